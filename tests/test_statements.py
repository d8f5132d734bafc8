"""The library's hot statements are rendered once, to the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Composed

from union_ledger.application import LedgerApplication
from union_ledger.settings import eventsourcing_env, load_settings
from union_ledger.statements import RENDERED, render_statements_once


def test_the_applications_statements_are_rendered_to_the_librarys_text(
    postgres_env: dict[str, str],
) -> None:
    app = LedgerApplication(postgres_env)
    try:
        recorder = app.recorder
        assert isinstance(recorder, PostgresApplicationRecorder)
        # The library's own recorder, built from the same settings, for its text.
        library = PostgresApplicationRecorder(recorder.datastore,
                                              events_table_name=recorder.events_table_name)
        recorders = [recorder, app.snapshots.recorder if app.snapshots else None]
        for name in RENDERED:
            ours = getattr(recorder, name)
            assert type(ours) is SQL
            assert isinstance(getattr(library, name), Composed)
            expected = getattr(library, name).as_string(None)
            if name == "insert_events_statement":  # and inserted in binary (%b)
                expected = expected.replace("unnest(%s::", "unnest(%b::")
            assert ours.as_string(None) == expected
        assert [text(s) for s in recorder.lock_table_statements] == [
            text(s) for s in library.lock_table_statements]
        assert all(type(s) is SQL for s in recorder.lock_table_statements)
        snapshots = recorders[1]
        assert type(getattr(snapshots, "select_events_statement", None)) is SQL
    finally:
        app.close()


def text(statement: object) -> str:
    assert isinstance(statement, SQL | Composed)
    return statement.as_string(None)


@pytest.mark.parametrize("persistence", ["memory", "sqlite"])
def test_other_recorders_are_left_as_they_are(persistence: str, tmp_path: Path) -> None:
    settings = load_settings(persistence=persistence, sqlite_path=tmp_path / "l.sqlite3")
    app = LedgerApplication(eventsourcing_env(settings))
    try:
        assert not render_statements_once(app.recorder)
    finally:
        app.close()
