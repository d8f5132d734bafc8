"""Tests of the HTTP API, through HTTP, against SQLite and PostgreSQL."""
