"""Fixtures: the API on a fresh SQLite file and on a fresh PostgreSQL schema, in turn.

Every test asking for `api` runs once per backend. The projector runs in-process in a
background thread for both (as `union-ledger serve` does for SQLite), and the business
date is fixed at support.TODAY.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.support import ADMIN_SECRET, TODAY, Api, World
from tests.support.persistence import create_schema, drop_schema
from union_ledger.runtime import Runtime, start_runtime
from union_ledger.settings import Settings, load_settings

SettingsFactory = Callable[..., Settings]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def make_settings(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[SettingsFactory]:
    """Settings for a fresh store of the backend, with any overrides."""
    if request.param == "sqlite":
        def sqlite(**overrides: Any) -> Settings:
            return load_settings(persistence="sqlite", sqlite_path=tmp_path / "ledger.sqlite3",
                                 admin_key=ADMIN_SECRET, **overrides)

        yield sqlite
        return
    database: str = request.getfixturevalue("postgres_database")
    schema = create_schema(database)

    def postgres(**overrides: Any) -> Settings:
        return load_settings(persistence="postgres", postgres_url=database,
                             postgres_schema=schema, admin_key=ADMIN_SECRET, **overrides)

    try:
        yield postgres
    finally:
        drop_schema(database, schema)


@pytest.fixture
def runtime(make_settings: SettingsFactory) -> Iterator[Runtime]:
    started = start_runtime(make_settings(), background_projection=True, clock=lambda: TODAY)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="session")
def shared_app() -> FastAPI:
    """One application for the suite (building one takes a while): each test points it
    at its own runtime. Tests of settings that shape the app itself build their own."""
    return create_app(load_settings(persistence="memory", admin_key=ADMIN_SECRET))


def client_for(app: FastAPI, *, raise_server_exceptions: bool = True) -> TestClient:
    return TestClient(app, raise_server_exceptions=raise_server_exceptions)


@pytest.fixture
def api(shared_app: FastAPI, runtime: Runtime) -> Iterator[Api]:
    shared_app.state.runtime = runtime
    try:
        yield Api(client_for(shared_app), runtime)
    finally:
        del shared_app.state.runtime


ApiFactory = Callable[..., Api]


@pytest.fixture
def make_api(shared_app: FastAPI, make_settings: SettingsFactory) -> Iterator[ApiFactory]:
    """An API on a runtime of its own settings; `projecting=False` leaves the projector
    stopped (the test runs it)."""
    runtimes: list[Runtime] = []

    def build(*, projecting: bool = True, **overrides: Any) -> Api:
        runtime = start_runtime(make_settings(**overrides), background_projection=projecting,
                                clock=lambda: TODAY)
        runtimes.append(runtime)
        shared_app.state.runtime = runtime
        return Api(client_for(shared_app), runtime)

    try:
        yield build
    finally:
        for runtime in runtimes:
            runtime.close()


@pytest.fixture
def world(api: Api) -> World:
    return api.seed("GUL")


@pytest.fixture
def other(api: Api, world: World) -> World:
    """A second union, whose ids no key of the first may confirm."""
    return api.seed("KIT")
