"""Events and snapshots go to PostgreSQL in psycopg's binary format.

The library inserts a save's events as one array of its composite type
(`unnest(%s::stored_event[])`). psycopg registers that type's text dumper last, so `%s`
dumps every event as text: each bytea `state` is hex-encoded and then quoted and escaped
character by character in Python. That was most of the CPU of saving a meeting sheet,
and of every snapshot (a group's whole state). With `%b` the same array goes in binary,
each state copied as it is. Nothing else changes: same statement, same rows.
"""

from __future__ import annotations

from typing import Any

from psycopg.sql import SQL, Composed

TEXT_ARRAY = "unnest(%s::"
BINARY_ARRAY = "unnest(%b::"


def use_binary_inserts(recorder: Any) -> bool:
    """Switch a PostgreSQL recorder's insert to binary parameters; False when the recorder
    is not one (or its statement is not the one expected), and then nothing changes."""
    statement = getattr(recorder, "insert_events_statement", None)
    if not isinstance(statement, Composed):
        return False
    parts = list(statement)
    texts = [p for p in parts if isinstance(p, SQL) and TEXT_ARRAY in p.as_string()]
    if len(texts) != 1:
        return False
    recorder.insert_events_statement = Composed([
        SQL(p.as_string().replace(TEXT_ARRAY, BINARY_ARRAY)) if p is texts[0] else p
        for p in parts])
    return True
