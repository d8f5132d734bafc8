"""PostgreSQL stores large event and snapshot states compressed with LZ4."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import sql

from tests.application.support import META, build_app, register_demo_group
from union_ledger.application import LedgerApplication
from union_ledger.state_compression import compress_states_with_lz4

FIRST_MEETING = date(2026, 1, 12)
PURCHASES = 40  # entries enough for a snapshot well over PostgreSQL's ~2 kB threshold


def _methods(app: LedgerApplication) -> dict[str, str]:
    """The compression method of each table's `state` column ('l': lz4, 'p' or '': pglz)."""
    datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
    with datastore.transaction() as cursor:
        cursor.execute(
            "SELECT c.relname AS name, a.attcompression AS method FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND a.attname = 'state' AND c.relkind = 'r'",
            (datastore.schema,))
        return {row["name"]: row["method"] for row in cursor.fetchall()}


def _snapshot_methods(app: LedgerApplication) -> list[str | None]:
    """How each stored snapshot's state is compressed, oldest first (None: stored plain)."""
    assert app.snapshots is not None
    recorder: Any = app.snapshots.recorder
    with recorder.datastore.transaction() as cursor:
        cursor.execute(sql.SQL(
            "SELECT pg_column_compression(state) AS method FROM {}.{} "
            "ORDER BY originator_version").format(
                sql.Identifier(recorder.datastore.schema),
                sql.Identifier(recorder.events_table_name)))
        return [row["method"] for row in cursor.fetchall()]


def _buy(app: LedgerApplication, group_id: UUID, members: tuple[str, str],
         weeks: range) -> None:
    for week in weeks:
        app.buy_shares(group_id, members[week % 2], 1,
                       on=FIRST_MEETING + timedelta(days=3 * week), meta=META)


def test_the_event_and_snapshot_states_are_stored_with_lz4(
    postgres_env: dict[str, str],
) -> None:
    app = build_app(postgres_env, snapshot_interval=PURCHASES)
    try:
        assert set(_methods(app).values()) == {"l"}
        assert len(_methods(app)) == 2  # the events' table and the snapshots'
        group_id, members = register_demo_group(app)
        _buy(app, group_id, members, range(PURCHASES))
        assert _snapshot_methods(app) == ["lz4"]
    finally:
        app.close()


def test_states_stored_with_pglz_before_still_load(postgres_env: dict[str, str]) -> None:
    first = build_app(postgres_env, snapshot_interval=PURCHASES)
    try:
        datastore: Any = first.recorder.datastore  # type: ignore[attr-defined]
        with datastore.transaction(commit=True) as cursor:
            for table in _methods(first):
                cursor.execute(sql.SQL(
                    "ALTER TABLE {} ALTER COLUMN state SET COMPRESSION pglz").format(
                        sql.Identifier(datastore.schema, table)))
        group_id, members = register_demo_group(first)
        _buy(first, group_id, members, range(PURCHASES))
        assert _snapshot_methods(first) == ["pglz"]
        before = vars(first.checkouts.rebuild(group_id))
    finally:
        first.close()
    second = build_app(postgres_env, snapshot_interval=PURCHASES)
    try:
        assert set(_methods(second).values()) == {"l"}
        assert vars(second.checkouts.rebuild(group_id)) == before  # from the pglz snapshot
        _buy(second, group_id, members, range(PURCHASES, 2 * PURCHASES))
        assert _snapshot_methods(second) == ["pglz", "lz4"]
        assert second.checkouts.rebuild(group_id).version == second.load_group(group_id).version
    finally:
        second.close()


@pytest.fixture
def role_without_ownership(postgres_database: str) -> Iterator[str]:
    """A login role that may read and write the tables but not alter them."""
    role = "ul_writer_" + secrets.token_hex(4)
    with psycopg.connect(postgres_database, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        yield role
    finally:
        with psycopg.connect(postgres_database, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_role_that_may_not_alter_the_tables_keeps_their_compression(
    postgres_env: dict[str, str], role_without_ownership: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    owner = build_app(postgres_env)
    try:
        datastore: Any = owner.recorder.datastore  # type: ignore[attr-defined]
        schema = sql.Identifier(datastore.schema)
        role = sql.Identifier(role_without_ownership)
        with datastore.transaction(commit=True) as cursor:
            for table in _methods(owner):
                cursor.execute(sql.SQL(
                    "ALTER TABLE {} ALTER COLUMN state SET COMPRESSION pglz").format(
                        sql.Identifier(datastore.schema, table)))
            cursor.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema, role))
            cursor.execute(sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}"
            ).format(schema, role))
            cursor.execute(sql.SQL(
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, role))
    finally:
        owner.close()
    # Such a role cannot create the tables either: they were created by their owner.
    writer = build_app({**postgres_env, "POSTGRES_USER": role_without_ownership,
                        "POSTGRES_PASSWORD": "", "CREATE_TABLE": "n"})
    try:
        assert compress_states_with_lz4(writer.recorder) is False
        assert set(_methods(writer).values()) == {"p"}
        assert "keeps its compression" in caplog.text
        group_id, members = register_demo_group(writer)  # and it still writes
        _buy(writer, group_id, members, range(2))
        assert writer.load_group(group_id).version > 2
    finally:
        writer.close()


def test_other_stores_are_left_as_they_are(tmp_path: Any) -> None:
    app = build_app({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                     "SQLITE_DBNAME": str(tmp_path / "ledger.sqlite3")})
    try:
        assert compress_states_with_lz4(app.recorder) is False
        assert compress_states_with_lz4(None) is False
    finally:
        app.close()
