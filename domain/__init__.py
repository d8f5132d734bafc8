"""The pure domain of union-ledger: money, aggregates, events, rules and posting rules."""
