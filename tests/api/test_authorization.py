"""Who may call what: roles × unions over every route, missing or revoked keys, foreign ids."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.api.catalogue import ENDPOINTS, UNKNOWN, Endpoint
from tests.api.support import ROLES, Api, World, fill

U = "/v1/unions/{union_id}"
ADMIN_ONLY = {"POST /v1/unions", "GET /v1/unions", f"PUT {U}/relief-policy",
              f"PUT {U}/subscription-schedule"}
RELIEF_READS = {U, f"{U}/groups", "/v1/groups/{group_id}", f"{U}/hazards",
                f"{U}/hazards/{{hazard_id}}", f"{U}/hazards/{{hazard_id}}/entitlements",
                f"{U}/arrears"}
RELIEF_WRITES = {f"{U}/hazards", f"{U}/hazards/{{hazard_id}}/payouts"}


def allowed(role: str, method: str, template: str) -> bool:
    """The role rules of API.md, written independently of the application's code."""
    if role == "admin":
        return True
    if f"{method} {template}" in ADMIN_ONLY or template.startswith("/v1/api-keys"):
        return False
    reads = method == "GET"
    if role == "auditor":
        return reads
    if role == "accountant":
        return not template.startswith("/v1/audit") and (reads or template not in RELIEF_WRITES)
    if role == "relief_officer":
        return template in (RELIEF_READS if reads else RELIEF_WRITES)
    raise AssertionError(role)


def application_routes(app: FastAPI) -> set[str]:
    """Every route the application serves under /v1, as "METHOD /path/{template}"."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return {f"{method.upper()} {path}" for path, operations in paths.items()
            for method in operations if path.startswith("/v1/")}


def test_the_catalogue_covers_every_route(api: Api) -> None:
    from api.app import V1_ROUTERS

    served = {f"{method} /v1{getattr(route, 'path', '')}" for router in V1_ROUTERS
              for route in router.routes for method in getattr(route, "methods", ())}
    app: FastAPI = api.client.app  # type: ignore[assignment]
    assert application_routes(app) == served
    assert {endpoint.name for endpoint in ENDPOINTS} == served


def request(api: Api, endpoint: Endpoint, world: World, headers: dict[str, str],
            extra_ids: dict[str, str]) -> httpx.Response:
    ids = {**world.ids(), **(endpoint.ids(world) if endpoint.ids else {}), **extra_ids}
    fresh = {"min_position": api.runtime.app.position()} if endpoint.method == "GET" else None
    return api.call(endpoint.method, fill(endpoint.template, ids), endpoint.body(world),
                    headers, fresh)


def check(role: str, endpoint: Endpoint, own_union: bool, response: httpx.Response) -> None:
    where = f"{role} {endpoint.name} on {'its own' if own_union else 'another'} union"
    status, text = response.status_code, response.text
    assert status not in (401, 500), (where, text)
    if not allowed(role, endpoint.method, endpoint.template):
        assert status == 403 and response.json()["code"] == "forbidden", (where, text)
    elif role != "admin" and not own_union and "{" in endpoint.template:
        assert status == 404, (where, text)
    else:
        assert status not in (403, 404), (where, text)


def test_role_and_union_matrix(api: Api, world: World, other: World) -> None:
    spare = {w.union_id: {"key_id": api.issue_key("auditor", w.union_id)[1]}
             for w in (world, other)}
    for endpoint in ENDPOINTS:
        for role in ROLES:
            for target in (world, other):
                response = request(api, endpoint, target, world.keys[role],
                                   spare[target.union_id])
                check(role, endpoint, target is world, response)


def test_every_route_needs_a_key(api: Api, world: World) -> None:
    for endpoint in ENDPOINTS:
        path = fill(endpoint.template, world.ids())
        for headers in ({}, {"Authorization": "Bearer ul_not-a-key"},
                        {"Authorization": "Basic dXNlcjpwYXNz"}):
            response = api.client.request(endpoint.method, path, headers=headers,
                                          json=endpoint.body(world))
            assert response.status_code == 401, (endpoint.name, response.text)
            assert response.json()["code"] == "unauthorized"
            assert response.headers["WWW-Authenticate"] == "Bearer"


def test_another_unions_ids_answer_like_unknown_ids(api: Api, world: World, other: World) -> None:
    accountant = world.keys["accountant"]
    for template, name in (("/v1/unions/{}", "union_id"), ("/v1/groups/{}", "group_id"),
                           ("/v1/groups/{}/balances", "group_id")):
        foreign = api.call("GET", template.format(other.ids()[name]), headers=accountant)
        unknown = api.call("GET", template.format(UNKNOWN), headers=accountant)
        assert foreign.status_code == unknown.status_code == 404
        assert (foreign.json()["detail"].replace(other.ids()[name], "ID")
                == unknown.json()["detail"].replace(UNKNOWN, "ID"))
        assert foreign.json()["code"] == unknown.json()["code"]
    payout = {"group_id": other.group_id, "amount": "100", "on": "2026-10-01"}
    response = api.call("POST", f"/v1/unions/{world.union_id}/hazards/{world.hazard_id}/payouts",
                        payout, world.keys["relief_officer"])
    assert response.status_code == 404 and response.json()["code"] == "group_not_found"


def test_a_revoked_key_is_refused(api: Api, world: World) -> None:
    headers, key_id = api.issue_key("accountant", world.union_id)
    assert api.get(f"/v1/unions/{world.union_id}", headers)["id"] == world.union_id
    api.ok("POST", f"/v1/api-keys/{key_id}/revoke", {"reason": "laptop stolen"}, status=200)
    response = api.call("GET", f"/v1/unions/{world.union_id}", headers=headers)
    assert response.status_code == 401
    again = api.call("POST", f"/v1/api-keys/{key_id}/revoke", {"reason": "twice"})
    assert again.status_code == 409 and again.json()["code"] == "api_key_already_revoked"


def test_a_key_can_be_read_but_its_secret_never(api: Api, world: World) -> None:
    key = api.get(f"/v1/api-keys/{world.key_ids['accountant']}")
    assert key["role"] == "accountant" and key["union_id"] == world.union_id
    assert "secret" not in key and "secret_hash" not in key
    assert key["revoked_on"] is None


def test_an_admin_key_has_no_union_and_others_need_one(api: Api, world: World) -> None:
    refused = api.call("POST", "/v1/api-keys", {"role": "admin", "union_id": world.union_id,
                                                "label": "x"})
    assert refused.status_code == 422 and refused.json()["field"] == "union_id"
    admin = api.post("/v1/api-keys", {"role": "admin", "label": "second admin"})
    headers = {"Authorization": f"Bearer {admin['secret']}"}
    assert api.call("GET", "/v1/unions", headers=headers).status_code == 200
    assert admin["secret"].startswith("ul_")
    unknown_union = api.call("POST", "/v1/api-keys", {"role": "auditor", "union_id": UNKNOWN,
                                                      "label": "x"})
    assert unknown_union.status_code == 404


def test_events_record_the_key_and_the_request_id(api: Api, world: World) -> None:
    headers = {**world.keys["accountant"], "X-Request-Id": "sheet-2026-03-02"}
    response = api.call("POST", f"/v1/groups/{world.group_id}/fines",
                        {"member_id": world.members["m1"], "amount": "100", "reason": "late",
                         "on": "2026-10-01"}, headers)
    assert response.status_code == 201
    assert response.headers["X-Request-Id"] == "sheet-2026-03-02"
    history = api.get(f"/v1/audit/aggregates/{world.group_id}/events", limit=1000)["items"]
    fine = next(e for e in history if e["data"]["event_id"] == response.json()["id"])
    assert fine["actor"] == world.key_ids["accountant"]
    assert fine["data"]["request_id"] == "sheet-2026-03-02"
    generated = api.call("GET", "/health").headers["X-Request-Id"]
    assert len(generated) == 32 and generated != "sheet-2026-03-02"
