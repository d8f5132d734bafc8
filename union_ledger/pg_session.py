"""Session settings for every PostgreSQL connection the ledger opens: no JIT compilation.

PostgreSQL compiles a query to machine code (JIT) when its estimated cost passes
`jit_above_cost` (100,000 by default). The ledger's queries are short lookups by key, but
on a large log the planner can misjudge one: with a million events, a key's or a group's
events by `originator_id` were estimated at tens of thousands of rows (the group average
of a stale sample), the estimate passed the threshold, and every such lookup paid about
17 ms of compilation for 0.1 ms of work. The API's reads spent more of PostgreSQL's CPU
than of their own (docs/PERFORMANCE.md). JIT pays off only for long analytical queries,
which the ledger does not make, so its connections turn it off.

libpq applies `PGOPTIONS` to every connection it opens without options of its own, which
is how the event store's pool (made by the eventsourcing library) and the read store's
connections both get it. An operator's own `jit` setting in `PGOPTIONS` is left alone.
"""

from __future__ import annotations

import os

SESSION_OPTIONS = "-c jit=off"


def apply_session_options() -> None:
    """Add the ledger's session settings to `PGOPTIONS` (once; never over an operator's)."""
    current = os.environ.get("PGOPTIONS", "")
    if "jit=" not in current:
        os.environ["PGOPTIONS"] = f"{current} {SESSION_OPTIONS}".strip()
