"""What someone with database access could do: edit or delete stored events directly."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql
from psycopg.conninfo import make_conninfo


def _postgres(app: Application[Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(make_conninfo(
        dbname=app.env.get("POSTGRES_DBNAME", ""), host=app.env.get("POSTGRES_HOST", ""),
        port=app.env.get("POSTGRES_PORT", "5432"), user=app.env.get("POSTGRES_USER", ""),
        password=app.env.get("POSTGRES_PASSWORD", ""),
    ), autocommit=True)


def run_sql(app: Application[Any], sqlite_statement: str, postgres_statement: str,
            params: tuple[Any, ...]) -> int:
    """Run a statement on the events table behind the application's back; rows changed."""
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = sqlite_statement.format(table=f'"{recorder.events_table_name}"')
        with closing(sqlite3.connect(recorder.datastore.pool.db_name)) as connection:
            changed = connection.execute(statement, params).rowcount
            connection.commit()
            return changed
    if isinstance(recorder, PostgresApplicationRecorder):
        table = sql.Identifier(recorder.datastore.schema, recorder.events_table_name)
        query = sql.SQL(postgres_statement).format(table=table)
        with _postgres(app) as connection:
            return connection.execute(query, params).rowcount
    raise TypeError(f"cannot tamper with {type(recorder).__name__}")


def edit_event(app: Application[Any], aggregate_id: UUID, version: int,
               old: bytes, new: bytes) -> None:
    """Replace bytes inside one stored event's state."""
    changed = run_sql(
        app,
        "UPDATE {table} SET state = replace(state, ?, ?) "
        "WHERE originator_id = ? AND originator_version = ?",
        "UPDATE {table} SET state = overlay(state placing %s from position(%s in state)) "
        "WHERE originator_id = %s AND originator_version = %s",
        _edit_params(app, aggregate_id, version, old, new),
    )
    if changed != 1:
        raise AssertionError(f"expected to edit one row, edited {changed}")


def _edit_params(app: Application[Any], aggregate_id: UUID, version: int, old: bytes,
                 new: bytes) -> tuple[Any, ...]:
    if isinstance(app.recorder, SQLiteApplicationRecorder):
        return (old, new, aggregate_id.hex, version)
    if len(old) != len(new):
        raise ValueError("the PostgreSQL edit keeps the length: give bytes of equal length")
    return (new, old, aggregate_id, version)


def delete_event(app: Application[Any], aggregate_id: UUID, version: int) -> None:
    changed = run_sql(
        app,
        "DELETE FROM {table} WHERE originator_id = ? AND originator_version = ?",
        "DELETE FROM {table} WHERE originator_id = %s AND originator_version = %s",
        (aggregate_id.hex if isinstance(app.recorder, SQLiteApplicationRecorder)
         else aggregate_id, version),
    )
    if changed != 1:
        raise AssertionError(f"expected to delete one row, deleted {changed}")
