"""Events and snapshots are inserted and selected in binary on PostgreSQL, and read back
byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from psycopg.pq import Format

from union_ledger.application import LedgerApplication
from union_ledger.binary_inserts import (
    BINARY_ARRAY,
    TEXT_ARRAY,
    BinaryCursor,
    use_binary_inserts,
    use_binary_results,
)

# Every byte value, and the characters text composites must quote or escape.
AWKWARD_STATE = bytes(range(256)) + b'(),"\\ {}' * 50


def test_the_application_inserts_events_and_snapshots_in_binary(
    postgres_env: dict[str, str],
) -> None:
    app = LedgerApplication(postgres_env)
    try:
        for recorder in (app.recorder, app.snapshots.recorder if app.snapshots else None):
            statement = recorder.insert_events_statement.as_string()  # type: ignore[union-attr]
            assert BINARY_ARRAY in statement
            assert TEXT_ARRAY not in statement
    finally:
        app.close()


def test_states_of_every_byte_come_back_unchanged(postgres_env: dict[str, str]) -> None:
    app = LedgerApplication(postgres_env)
    try:
        originator_id = uuid4()
        stored = [StoredEvent(originator_id, version, "tests:Awkward", AWKWARD_STATE[version:])
                  for version in (1, 2, 3)]
        app.recorder.insert_events(stored)
        assert list(app.recorder.select_events(originator_id)) == stored
    finally:
        app.close()


def test_the_application_reads_events_and_snapshots_in_binary(
    postgres_env: dict[str, str],
) -> None:
    app = LedgerApplication(postgres_env)
    try:
        assert app.snapshots is not None
        for recorder in (app.recorder, app.snapshots.recorder):
            datastore: Any = recorder.datastore  # type: ignore[attr-defined]
            with datastore.get_connection() as connection, connection.cursor() as cursor:
                assert isinstance(cursor, BinaryCursor)
                assert cursor.format == Format.BINARY
                cursor.execute("SELECT %s::bytea AS state", [AWKWARD_STATE])
                row = cursor.fetchone()
                assert row is not None and bytes(row["state"]) == AWKWARD_STATE
        assert use_binary_results(app.recorder) is True  # once is enough; twice is harmless
        originator_id = uuid4()
        stored = [StoredEvent(originator_id, 1, "tests:Awkward", AWKWARD_STATE)]
        app.recorder.insert_events(stored)
        assert list(app.recorder.select_events(originator_id)) == stored
        notifications = app.recorder.select_notifications(start=None, limit=10)
        assert [n.state for n in notifications] == [AWKWARD_STATE]
    finally:
        app.close()


@pytest.mark.parametrize("persistence", ["eventsourcing.popo", "eventsourcing.sqlite"])
def test_other_recorders_are_left_as_they_are(persistence: str, tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": persistence, "SQLITE_DBNAME": str(tmp_path / "ledger.db")}
    app = LedgerApplication(env)
    try:
        assert use_binary_inserts(app.recorder) is False
        assert use_binary_inserts(object()) is False
        assert use_binary_results(app.recorder) is False
        assert use_binary_results(object()) is False
    finally:
        app.close()
