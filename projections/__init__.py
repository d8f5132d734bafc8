"""Read models: balances, journal, trial balance, entitlements, indicators, audit index."""
