"""Audit tests: hash chains, tampering, checkpoints, export and import."""
