"""Rebuilt read models equal the incrementally maintained ones, row by row, on every store."""

from __future__ import annotations

from pathlib import Path

from projections import schema
from projections.store import ReadStore
from tests.application.support import build_app
from tests.projections.histories import record_rich_history
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
    projector_for,
    read_store_for,
    tracking_position,
)
from union_ledger.settings import eventsourcing_env, load_settings

WAIT_S = 60.0


def test_rebuild_equals_incremental(persistence_env: dict[str, str]) -> None:
    """Followed in the background while the history is recorded, then rebuilt in place,
    then rebuilt into a separate in-memory SQLite store: all three agree row by row (so
    PostgreSQL and SQLite agree too)."""
    app = build_app(persistence_env)
    store = read_store_for(persistence_env)
    projector = projector_for(app, store, batch_size=50)
    try:
        projector.start()
        record_rich_history(app)
        assert projector.wait_for(app.position(), WAIT_S)
        projector.stop()
        incremental = dump_read_models(store)
        assert sum(len(rows) for rows in incremental.values()) > 2_000
        assert_same_read_models(dump_read_models(fresh_projection(app)), incremental)
        assert projector.rebuild() > 0
        assert tracking_position(store) == app.position()
        assert_same_read_models(dump_read_models(store), incremental)
    finally:
        projector.stop()
        store.close()
        app.close()


def test_a_store_of_another_schema_version_is_rebuilt(tmp_path: Path) -> None:
    """Read models built by another version of the tables are dropped and rebuilt."""
    env = eventsourcing_env(load_settings(persistence="sqlite",
                                          sqlite_path=tmp_path / "ledger.sqlite3"))
    app = build_app(env)
    store = read_store_for(env)
    try:
        record_rich_history(app)
        projector_for(app, store).catch_up()
        expected = dump_read_models(store)
        with store.transaction() as cursor:
            cursor.execute(f"UPDATE {schema.VERSION_TABLE} SET version = version - 1")
            cursor.execute("UPDATE rm_groups SET name = 'stale'")
        restarted = projector_for(app, store)
        assert restarted.position() == 0
        restarted.catch_up()
        assert_same_read_models(dump_read_models(store), expected)
    finally:
        store.close()
        app.close()


def _fillfactors(store: ReadStore) -> dict[str, str]:
    with store.transaction(readonly=True) as cursor:
        rows = cursor.fetchall(
            "SELECT relname, COALESCE(array_to_string(reloptions, ','), '') FROM pg_class "
            "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' "
            "AND relname LIKE 'rm\\_%'")
    return {str(name): str(options) for name, options in rows}


def test_postgres_tables_updated_in_place_keep_room_for_their_rows_next_versions(
    postgres_env: dict[str, str],
) -> None:
    """Every table the projector updates rows of is created with room on its pages (so an
    update can stay on its page); the others stay packed. A table that lost the setting
    gets it back at the next start, and a rebuild's new tables have it."""
    app = build_app(postgres_env)
    store = read_store_for(postgres_env)
    try:
        projector = projector_for(app, store)
        room = f"fillfactor={schema.POSTGRES_FILLFACTOR}"
        expected = {name: room if name in schema.UPDATED_IN_PLACE else ""
                    for name in (*schema.READ_MODEL_TABLES, schema.TRACKING_TABLE,
                                 schema.VERSION_TABLE)}
        assert set(schema.UPDATED_IN_PLACE) <= set(schema.READ_MODEL_TABLES)
        assert _fillfactors(store) == expected
        with store.transaction() as cursor:
            cursor.execute("ALTER TABLE rm_members RESET (fillfactor)")
        assert _fillfactors(store)["rm_members"] == ""
        projector_for(app, store)
        assert _fillfactors(store) == expected
        record_rich_history(app)
        projector.rebuild()
        assert _fillfactors(store) == expected
    finally:
        store.close()
        app.close()
