"""The library's SQL statements rendered to text once, not at every execution.

The eventsourcing library keeps its statements as psycopg `Composed` objects (the schema
and table names as quoted identifiers, the lock timeout as a literal). psycopg renders a
`Composed` again on every execution: walking its parts, quoting each identifier, joining
the bytes. A command executes four of them (its key's events, the group's newer events,
the table lock and the insert), and that rendering was about a twentieth of the CPU of a
share purchase. Their text never changes, so each is rendered once, here, into a plain
`SQL` of the same text; the statements the library extends per call (`select_events`
adds its `AND`, `ORDER BY` and `LIMIT` parts) extend that text as before.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.sql import SQL, Composable

# The statements a command's reads and saves execute (attributes of the recorders).
RENDERED = ("select_events_statement", "insert_events_statement",
            "max_notification_id_statement")
RENDERED_LISTS = ("lock_table_statements",)


def render_statements_once(recorder: Any) -> bool:
    """Replace a PostgreSQL recorder's hot statements with their rendered text; False,
    and nothing changes, when the recorder is not one."""
    if not isinstance(recorder, PostgresAggregateRecorder):
        return False
    for name in RENDERED:
        statement = getattr(recorder, name, None)
        if isinstance(statement, Composable):
            setattr(recorder, name, rendered(statement))
    for name in RENDERED_LISTS:
        statements = getattr(recorder, name, None)
        if isinstance(statements, list):
            setattr(recorder, name, [rendered(s) if isinstance(s, Composable) else s
                                     for s in statements])
    return True


def rendered(statement: Composable) -> SQL:
    """The statement as one plain SQL of the same text."""
    return SQL(statement.as_string(None))
