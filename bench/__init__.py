"""Benchmarks of the ledger against PostgreSQL's own limit: `union-ledger bench`."""
