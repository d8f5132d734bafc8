"""The union-ledger test suite: unit, application, integration, API and property tests."""
