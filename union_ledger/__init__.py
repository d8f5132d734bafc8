"""The union-ledger application service: command handlers, settings, wiring and CLI."""
