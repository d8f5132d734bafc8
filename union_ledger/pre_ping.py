"""A pooled connection to the event store is pinged before use only after it sat idle.

The library's pre-ping (`POSTGRES_PRE_PING`, on by default here) sends an empty query
every time a connection leaves the pool, so that one which went stale while idle (a
database restart, a server or proxy closing idle sessions) is replaced before a request
uses it. That is a round trip and about 60 µs of this process's CPU at every check-out:
a command checks out three or four times (its key, the group's newer events, the save,
a snapshot), and an API worker under load checks each connection out again within
milliseconds.

So a connection handed out less than `IDLE_BEFORE_PING_S` ago is not pinged: it answered
a moment ago. If the database went away in that moment, the statement fails as it would
have a moment later anyway, the pool drops the broken connection, and the library's
retry (on a lost connection, ten attempts 0.2 s apart, each on another connection) takes
over, as it does for a connection lost in the middle of a request. A connection idle
longer is pinged as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from eventsourcing.postgres import PostgresDatastore

IDLE_BEFORE_PING_S = 1.0
_HANDED_OUT_AT = "_union_ledger_handed_out_at"


def ping_when_idle(
    recorder: Any, idle_s: float = IDLE_BEFORE_PING_S,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Make a PostgreSQL recorder's pool ping only connections idle for `idle_s` or more.
    False, and nothing changes, when the recorder is not one or its pool does not ping."""
    datastore = getattr(recorder, "datastore", None)
    if not isinstance(datastore, PostgresDatastore):
        return False
    pool = datastore.pool
    ping: Callable[[Any], None] | None = getattr(pool, "_check", None)
    if ping is None:
        return False
    if getattr(ping, "idle_s", None) is not None:
        return True  # the events' and snapshots' recorders may share one datastore

    def check(connection: Any) -> None:
        now = clock()
        handed_out_at = getattr(connection, _HANDED_OUT_AT, None)
        if handed_out_at is None or now - handed_out_at >= idle_s:
            ping(connection)
        setattr(connection, _HANDED_OUT_AT, now)

    check.idle_s = idle_s  # type: ignore[attr-defined]
    pool._check = check  # the pool's own hook, given at its construction by the library
    return True
