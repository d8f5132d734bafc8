"""Fuzzing the API from its own OpenAPI document: no 5xx, every answer as documented.

Schemathesis generates requests for every operation of `/openapi.json` (valid ones and,
from the fuzzing phase's negative mode, invalid ones) and sends them with an admin key to
the application over a seeded SQLite store. Path parameters are either generated or, half
of the time, the ids of the seeded union, group, member, loan, hazard and key, so the
requests reach the books and not only the 404s. RELIABILITY_FUZZ_EXAMPLES sets the
examples per operation (derandomized, so a run is repeatable); RELIABILITY_FUZZ_COVERAGE=1
adds the coverage phase (boundary values of every parameter).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from tests.api.support import ADMIN, ADMIN_SECRET, TODAY, Api, World
from tests.reliability import budget
from union_ledger.runtime import start_runtime
from union_ledger.settings import load_settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


# Filled by the `seeded` fixture, before any case is drawn: the hook reads it then.
SEEDED_IDS: dict[str, str] = {}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, World]]:
    """The application over a fresh SQLite store holding one seeded union (tests/api)."""
    path = tmp_path_factory.mktemp("fuzz") / "ledger.sqlite3"
    runtime = start_runtime(
        load_settings(persistence="sqlite", sqlite_path=Path(path), admin_key=ADMIN_SECRET),
        background_projection=True, clock=lambda: TODAY)
    try:
        app = create_app(runtime=runtime)
        world = Api(TestClient(app), runtime).seed("GUL")
        SEEDED_IDS.update(world.ids())
        yield app, world
    finally:
        runtime.close()


def phases() -> dict[str, Any]:
    return {"coverage": {"enabled": budget.FUZZ_COVERAGE}, "stateful": {"enabled": False}}


def with_seeded_ids(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    """The generated path parameters, or the same with every id the world has."""
    if not path_parameters:
        return st.just(path_parameters)
    real = {name: SEEDED_IDS[name] for name in path_parameters if name in SEEDED_IDS}
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


def without_waiting(
    context: schemathesis.HookContext, query: dict[str, Any] | None
) -> dict[str, Any] | None:
    """No ?min_position=: a position past the log's end is answered, as documented, with
    503 after the bounded wait (tests/api/test_reports.py proves it); here it would only
    turn every read into a documented 503 after seconds of waiting."""
    if query is None:
        return None
    return {name: value for name, value in query.items() if name != "min_position"}


def load_schema() -> Any:
    """The OpenAPI document of an application that is never started (nothing connects)."""
    document = create_app(load_settings(persistence="memory")).openapi()
    config = schemathesis.Config.from_dict({"phases": phases()})
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.hook("flatmap_path_parameters")(with_seeded_ids)
    loaded.hook("map_query")(without_waiting)
    return loaded


schema = load_schema()


@schema.parametrize()  # type: ignore[untyped-decorator]  # schemathesis is not typed here
@settings(max_examples=budget.FUZZ_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_answer_as_documented(
    case: schemathesis.Case[Any], seeded: tuple[FastAPI, World]
) -> None:
    app, _ = seeded
    case.call_and_validate(app=app, headers=ADMIN, checks=CHECKS)
