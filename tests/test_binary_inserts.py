"""Events and snapshots are inserted in binary on PostgreSQL, and read back byte for byte."""

from __future__ import annotations

from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from union_ledger.application import LedgerApplication
from union_ledger.binary_inserts import BINARY_ARRAY, TEXT_ARRAY, use_binary_inserts

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


def test_other_recorders_are_left_as_they_are() -> None:
    app = LedgerApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        assert use_binary_inserts(app.recorder) is False
        assert use_binary_inserts(object()) is False
    finally:
        app.close()
