"""A request's checks (key, role, union, freshness) run before its endpoint's code, in the
endpoint's own trip through the thread pool, and still decide the answer first."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api import errors
from api.app import create_app
from api.deps import BookReader, GuardedRoute, Recorder
from tests.api.catalogue import ENDPOINTS
from tests.api.support import Api, World, fill
from union_ledger.settings import load_settings

MALFORMED = {"member_id": "not-an-id", "shares": "many", "amount": 12.5, "on": "yesterday"}


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """The endpoints' routes, also inside the routers included in the application."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        included = getattr(route, "original_router", None)
        if included is not None:
            found += api_routes(included.routes)
    return found


def test_every_route_of_the_application_is_guarded() -> None:
    app = create_app(load_settings(persistence="memory"))
    routes = api_routes(app.router.routes)
    operations = sum(len(methods) for methods in app.openapi()["paths"].values())
    assert len(routes) == operations  # every documented operation was found
    assert [route.path for route in routes if not isinstance(route, GuardedRoute)] == []


def app_of(api: Api, router: APIRouter) -> FastAPI:
    app = FastAPI()
    errors.install(app)
    app.state.runtime = api.runtime
    app.include_router(router)
    return app


def test_a_checking_dependency_on_an_unguarded_route_refuses_to_run(api: Api) -> None:
    """Fails closed: the endpoint never runs with its checks skipped."""
    ran: list[str] = []
    router = APIRouter()  # the default route class: nothing would run the checks

    @router.get("/v1/groups/{group_id}/unguarded")
    def unguarded(group_id: str, caller: BookReader) -> dict[str, str]:
        ran.append(group_id)
        return {"group_id": group_id}

    client = TestClient(app_of(api, router))
    with pytest.raises(RuntimeError, match="not a GuardedRoute"):
        client.get("/v1/groups/g1/unguarded", headers={"Authorization": "Bearer ul_whatever"})
    assert ran == []


def test_without_a_key_a_malformed_request_is_refused_for_its_key(
    api: Api, world: World
) -> None:
    """The key is checked first, as when the checks ran as dependencies: a caller without
    a valid key learns nothing of what else is wrong with the request. (A malformed
    `min_position`, a parameter of the checks themselves, is refused with 422 first, as it
    always was.)"""
    for endpoint in ENDPOINTS:
        path = fill(endpoint.template, world.ids())
        for headers in ({}, {"Authorization": "Bearer ul_not-a-key"}):
            response = api.client.request(
                endpoint.method, path, headers=headers, json=MALFORMED,
                params={"limit": "all", "cursor": "%%%", "as_of": "someday"})
            assert response.status_code == 401, (endpoint.name, response.text)
            assert response.json()["code"] == "unauthorized"


def test_a_malformed_write_to_another_unions_group_answers_as_an_unknown_group(
    api: Api, world: World, other: World
) -> None:
    path = f"/v1/groups/{other.group_id}/share-purchases"
    response = api.call("POST", path, MALFORMED, world.keys["accountant"])
    assert response.status_code == 404 and response.json()["code"] == "group_not_found"
    own = api.call("POST", f"/v1/groups/{world.group_id}/share-purchases", MALFORMED,
                   world.keys["accountant"])
    assert own.status_code == 422


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_checks_and_the_endpoint_share_one_trip_through_the_thread_pool(
    api: Api, world: World, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[Any] = []
    run_sync = anyio.to_thread.run_sync

    async def counting(function: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(function)
        return await run_sync(function, *args, **kwargs)

    member = world.members["m1"]
    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    if method == "GET":
        response = api.call("GET", f"/v1/groups/{world.group_id}/balances",
                            headers=world.keys["accountant"],
                            params={"min_position": api.runtime.app.position()})
        assert response.status_code == 200, response.text
    else:
        response = api.call("POST", f"/v1/groups/{world.group_id}/share-purchases",
                            {"member_id": member, "shares": 1, "on": "2026-10-01"},
                            world.keys["accountant"])
        assert response.status_code == 201, response.text
    assert len(trips) == 1


def test_a_write_refused_for_its_key_books_nothing(api: Api, world: World) -> None:
    member = world.members["m1"]
    before = api.runtime.app.position()
    response = api.call("POST", f"/v1/groups/{world.group_id}/share-purchases",
                        {"member_id": member, "shares": 1, "on": "2026-10-01"},
                        {"Authorization": "Bearer ul_not-a-key"})
    assert response.status_code == 401
    assert api.runtime.app.position() == before


def test_a_recorder_on_an_unguarded_route_refuses_to_run(api: Api) -> None:
    router = APIRouter()

    @router.post("/v1/groups/{group_id}/unguarded")
    def unguarded(group_id: str, command: Recorder) -> dict[str, str]:
        raise AssertionError("ran without its checks")

    client = TestClient(app_of(api, router))
    with pytest.raises(RuntimeError, match="not a GuardedRoute"):
        client.post("/v1/groups/g1/unguarded", json={},
                    headers={"Authorization": "Bearer ul_whatever"})


def test_an_async_endpoint_runs_its_checks_first(api: Api, world: World) -> None:
    ran: list[str] = []
    router = APIRouter(route_class=GuardedRoute)

    @router.get("/v1/groups/{group_id}/asynchronous")
    async def asynchronous(group_id: str, caller: BookReader) -> dict[str, str]:
        ran.append(caller.principal.key_id)
        return {"group_id": group_id}

    client = TestClient(app_of(api, router))
    path = f"/v1/groups/{world.group_id}/asynchronous"
    refused = client.get(path, headers={"Authorization": "Bearer ul_not-a-key"})
    assert refused.status_code == 401 and ran == []
    foreign = client.get("/v1/groups/00000000-0000-4000-8000-000000000000/asynchronous",
                         headers=world.keys["accountant"])
    assert foreign.status_code == 404 and ran == []
    assert client.get(path, headers=world.keys["accountant"]).status_code == 200
    assert ran == [world.key_ids["accountant"]]
