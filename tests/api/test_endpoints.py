"""Every endpoint on a seeded union: a refusal, a success and, for writes, an idempotent retry."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.catalogue import ENDPOINTS, Endpoint
from tests.api.support import ADMIN, Api, World, fill
from tests.support.persistence import event_store_bytes

PROBLEM = "application/problem+json"
TEXT_FIELDS = ("reason", "label", "name", "description", "donor", "kind")
DATE_FIELDS = ("on", "held_on", "started_on", "effective_on", "declared_on", "affiliated_on",
               "joined_on")


def send(api: Api, endpoint: Endpoint, ids: dict[str, str], body: Any,
         params: dict[str, Any] | None = None, idempotency_key: str | None = None,
         ) -> httpx.Response:
    headers = dict(ADMIN)
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    query = dict(params or {})
    if endpoint.method == "GET":
        query.setdefault("min_position", api.runtime.app.position())
    return api.call(endpoint.method, fill(endpoint.template, ids), body, headers, query)


def another(body: dict[str, Any]) -> dict[str, Any]:
    """The same request with one field changed (still well-formed)."""
    for name in TEXT_FIELDS:
        if isinstance(body.get(name), str):
            return {**body, name: body[name] + " (again)"}
    for name in DATE_FIELDS:
        if isinstance(body.get(name), str):
            return {**body, name: "2026-09-30" if body[name] != "2026-09-30" else "2026-09-29"}
    raise AssertionError(f"no field to change in {body}")


def check_refusal(api: Api, world: World, endpoint: Endpoint) -> None:
    refusal = endpoint.refusal
    ids = {**world.ids(), **(endpoint.ids(world) if endpoint.ids else {}),
           **(refusal.ids(world) if refusal.ids else {})}
    before = event_store_bytes(api.runtime.app)
    response = send(api, endpoint, ids, (refusal.body or endpoint.body)(world), refusal.params)
    assert response.status_code == refusal.status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert (problem["code"], problem["status"]) == (refusal.code, refusal.status)
    assert {"type", "title", "detail"} <= set(problem)
    assert event_store_bytes(api.runtime.app) == before, "a refusal booked something"


def check_retry(api: Api, endpoint: Endpoint, ids: dict[str, str], body: Any,
                first: httpx.Response) -> None:
    stored = event_store_bytes(api.runtime.app)
    position = api.runtime.app.position()
    again = send(api, endpoint, ids, body, idempotency_key="retry-1")
    assert again.status_code == first.status_code, again.text
    original, replayed = first.json(), again.json()
    assert replayed.pop("position") >= original.pop("position")
    if "secret" in original:  # shown once: a replay never has the secret
        assert replayed.pop("secret") is None and original.pop("secret")
    assert replayed == original
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = send(api, endpoint, ids, another(body), idempotency_key="retry-1")
    assert changed.status_code == 409, changed.text
    assert changed.json()["code"] == "idempotency_key_reused"
    assert api.runtime.app.position() == position
    assert event_store_bytes(api.runtime.app) == stored, "a retry booked something"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_endpoint(api: Api, world: World, endpoint: Endpoint) -> None:
    """A refusal books nothing; the success answers JSON; a write retried with the same
    Idempotency-Key and body answers the same and books nothing, with another body 409."""
    check_refusal(api, world, endpoint)
    ids = {**world.ids(), **(endpoint.ids(world) if endpoint.ids else {})}
    body = endpoint.body(world)
    writes = endpoint.method in ("POST", "PUT")
    response = send(api, endpoint, ids, body, idempotency_key="retry-1" if writes else None)
    assert response.status_code == endpoint.status, response.text
    assert response.headers["content-type"].startswith("application/json")
    if writes:
        assert response.json()["position"] >= 1
        check_retry(api, endpoint, ids, body, response)
