"""Fixtures that run one test against the in-memory, SQLite and PostgreSQL event stores."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.persistence import (
    TEST_POSTGRES_VARIABLE,
    create_schema,
    create_test_database,
    drop_schema,
    drop_test_database,
    postgres_server_url,
    running_in_ci,
)
from union_ledger.collector import _freeze_survivors
from union_ledger.settings import eventsourcing_env, load_settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests asking for `postgres_env` directly need the real server: mark them."""
    for item in items:
        if "postgres_env" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(autouse=True)
def _garbage_collection_as_before() -> Iterator[None]:
    """A command run in-process (`rebuild`, `project`) freezes the survivors of full
    collections from then on: undone after its test, so no other test runs frozen."""
    yield
    if _freeze_survivors in gc.callbacks:
        gc.callbacks.remove(_freeze_survivors)
    gc.unfreeze()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a database created for this test run and dropped (WITH FORCE) at its end."""
    server_url = postgres_server_url()
    try:
        database_url = create_test_database(server_url)
    except psycopg.OperationalError as error:
        reason = (
            f"PostgreSQL at {TEST_POSTGRES_VARIABLE}={server_url!r} is unreachable: "
            f"{str(error).strip()}"
        )
        if running_in_ci():
            pytest.fail(f"CI needs the real PostgreSQL tests. {reason}", pytrace=False)
        pytest.skip(f"{reason} (set {TEST_POSTGRES_VARIABLE} to a server you can use)")
    try:
        yield database_url
    finally:
        drop_test_database(server_url, database_url)


@pytest.fixture
def postgres_env(postgres_database: str) -> Iterator[dict[str, str]]:
    """eventsourcing env for PostgreSQL, with a schema of its own dropped after the test."""
    schema = create_schema(postgres_database)
    try:
        settings = load_settings(
            persistence="postgres", postgres_url=postgres_database, postgres_schema=schema
        )
        yield eventsourcing_env(settings)
    finally:
        drop_schema(postgres_database, schema)


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def persistence_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """eventsourcing env for each backend in turn: memory, an SQLite file, PostgreSQL."""
    backend: str = request.param
    if backend == "memory":
        return eventsourcing_env(load_settings(persistence="memory"))
    if backend == "sqlite":
        settings = load_settings(persistence="sqlite", sqlite_path=tmp_path / "ledger.sqlite3")
        return eventsourcing_env(settings)
    env: dict[str, str] = request.getfixturevalue("postgres_env")
    return env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """eventsourcing env for the two stores that live in a real database file or server."""
    if request.param == "sqlite":
        settings = load_settings(persistence="sqlite", sqlite_path=tmp_path / "ledger.sqlite3")
        return eventsourcing_env(settings)
    env: dict[str, str] = request.getfixturevalue("postgres_env")
    return env
