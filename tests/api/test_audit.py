"""The audit endpoints: the log in order, a union's share, histories, recomputable hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.canonical import GENESIS_HASH, canonical_bytes, chain_hash
from tests.api.support import Api, World


def whole_log(api: Api, headers: dict[str, str] | None = None, limit: int = 7) -> list[Any]:
    events: list[Any] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/audit/events", headers, **params)
        events += page["items"]
        cursor = page["next"]
        if cursor is None:
            return events


def test_the_log_is_read_in_order_without_gaps_or_repeats(api: Api, world: World) -> None:
    events = whole_log(api)
    positions = [event["position"] for event in events]
    assert positions == sorted(set(positions))
    assert len(events) == api.runtime.app.position()
    types = {(event["aggregate_type"], event["type"]) for event in events}
    assert {("Union", "Registered"), ("Group", "Registered"), ("ApiKey", "Issued"),
            ("Group", "LoanDisbursed")} <= types
    after = api.get("/v1/audit/events", after=positions[-3], limit=10)["items"]
    assert [event["position"] for event in after] == positions[-2:]


def test_an_auditor_sees_only_its_union(api: Api, world: World, other: World) -> None:
    mine = whole_log(api, world.keys["auditor"], limit=50)
    visible = {world.union_id, world.group_id, world.empty_group_id, *world.key_ids.values()}
    assert mine and {event["aggregate_id"] for event in mine} <= visible
    assert {event["aggregate_id"] for event in whole_log(api)} > visible
    foreign = api.call("GET", f"/v1/audit/aggregates/{other.group_id}/events",
                       headers=world.keys["auditor"])
    assert foreign.status_code == 404 and foreign.json()["code"] == "aggregate_not_found"
    assert api.call("GET", "/v1/audit/events",
                    headers=world.keys["accountant"]).status_code == 403


def test_chain_hashes_recompute_from_the_answer(api: Api, world: World) -> None:
    history = api.get(f"/v1/audit/aggregates/{world.group_id}/events",
                      world.keys["auditor"], limit=1000)["items"]
    assert [event["version"] for event in history] == list(range(1, len(history) + 1))
    previous = GENESIS_HASH
    for event in history:
        canonical = canonical_bytes(
            event["topic"], UUID(event["aggregate_id"]), event["version"],
            datetime.fromisoformat(event["recorded_at"]), event["data"])
        assert chain_hash(previous, canonical) == event["chain_hash"]
        previous = event["chain_hash"]


def test_history_pages_by_version(api: Api, world: World) -> None:
    path = f"/v1/audit/aggregates/{world.group_id}/events"
    first = api.get(path, limit=4)
    second = api.get(path, limit=4, cursor=first["next"])
    assert [e["version"] for e in first["items"] + second["items"]] == list(range(1, 9))
