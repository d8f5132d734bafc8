"""Malformed and hostile requests: the right status and code, and nothing booked.

Each is answered with its status and `code`, and the event store is byte-identical
afterwards; hostile text that is valid is stored verbatim.

The table is tests/reliability/bad_input_cases.py; it runs against SQLite and PostgreSQL
(where a NUL character in a name once stopped every read model: PostgreSQL text cannot
hold it, so the projector failed on that event for ever).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.support import ADMIN_SECRET, TODAY, Api
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
)
from tests.reliability.bad_input_cases import CASES, SQL, Bad
from tests.reliability.bad_input_world import Seeded, seed_world
from tests.support.persistence import (
    create_schema,
    drop_schema,
    event_store_bytes,
    event_store_rows,
)
from union_ledger.runtime import start_runtime
from union_ledger.settings import Settings, load_settings

PROBLEM = "application/problem+json"
CATCH_UP_S = 30.0
# Valid text that looks like an attack: it must come back exactly as sent.
HOSTILE_NAMES = (
    SQL,
    "Robert'); DROP TABLE rm_members;--",
    "1' OR '1'='1",
    '", "role": "admin", "x": "',
    '{"$where": "sleep(1000)"}',
    "<script>alert(1)</script>",
    "%s %(name)s {0} ?",
    "\\u0000 is not a NUL",
    "Ākello 名前 🙂",
    "line\nbreak\ttab",
)


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hostile(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Api, Seeded]]:
    """An API over a fresh store of the backend with the seeded world of the table."""
    schema = None
    settings: Settings
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("bad-input") / "ledger.sqlite3"
        settings = load_settings(persistence="sqlite", sqlite_path=Path(path),
                                 admin_key=ADMIN_SECRET)
    else:
        database: str = request.getfixturevalue("postgres_database")
        schema = create_schema(database)
        settings = load_settings(persistence="postgres", postgres_url=database,
                                 postgres_schema=schema, admin_key=ADMIN_SECRET)
    runtime = start_runtime(settings, background_projection=True, clock=lambda: TODAY)
    try:
        api = Api(TestClient(create_app(runtime=runtime)), runtime)
        yield api, seed_world(api)
    finally:
        runtime.close()
        if schema is not None:
            drop_schema(request.getfixturevalue("postgres_database"), schema)


def send(api: Api, seeded: Seeded, case: Bad) -> httpx.Response:
    headers = case.headers(seeded) if case.headers is not None else seeded.accountant
    headers = {**headers, "Content-Type": case.content_type}
    if case.raw is not None:
        content = case.raw
    elif case.body is not None:
        content = httpx.Request("POST", "/", json=case.body(seeded)).content
    else:
        content = b""
    response: httpx.Response = api.client.request(
        case.method, case.path(seeded), content=content or None, headers=headers,
        params=case.params)
    return response


def test_the_table_is_long_enough() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_refused_with_its_code_and_nothing_booked(
    hostile: tuple[Api, Seeded], case: Bad
) -> None:
    api, seeded = hostile
    before = event_store_bytes(api.runtime.app)
    response = send(api, seeded, case)
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    assert (response.status_code, response.json()["code"]) == (case.status, case.code), (
        response.text)
    assert event_store_bytes(api.runtime.app) == before


def test_hostile_text_is_stored_verbatim_and_nothing_else_changes(
    hostile: tuple[Api, Seeded],
) -> None:
    """Injection strings are data: booked as sent, read back as sent, and the store
    only grew by their events (every earlier row byte-identical)."""
    api, seeded = hostile
    group = f"/v1/groups/{seeded.world.empty_group_id}/members"
    before = [row for row in event_store_rows(api.runtime.app) if row.store == "events"]
    created = {api.post(group, {"name": name, "gender": "other", "joined_on": "2026-02-02"},
                        seeded.accountant)["id"]: name for name in HOSTILE_NAMES}
    after = [row for row in event_store_rows(api.runtime.app) if row.store == "events"]
    assert set(before) <= set(after)
    assert len(after) == len(before) + len(HOSTILE_NAMES)
    listed = api.get(group, seeded.accountant, limit=1000)["items"]
    assert {m["id"]: m["name"] for m in listed if m["id"] in created} == created


def test_the_read_models_kept_up_and_equal_a_rebuild(hostile: tuple[Api, Seeded]) -> None:
    """After the whole table (and the hostile names), projection never stalled."""
    api, _ = hostile
    runtime = api.runtime
    assert runtime.projector.wait_for(runtime.app.position(), CATCH_UP_S)
    assert_same_read_models(dump_read_models(runtime.store),
                            dump_read_models(fresh_projection(runtime.app)))
