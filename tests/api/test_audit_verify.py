"""Verify and replay over HTTP: the auditor's view of its own union, and nothing else."""

from __future__ import annotations

from tests.api.support import Api, World


def test_verify_reports_an_intact_log(api: Api, world: World, other: World) -> None:
    admin = api.get("/v1/audit/verify")
    assert admin == {"ok": True, "events_checked": api.runtime.app.position(),
                     "first_broken": None}
    mine = api.get("/v1/audit/verify", world.keys["auditor"])
    assert mine["ok"] is True
    assert 0 < mine["events_checked"] < admin["events_checked"]  # the other union is not its
    refused = api.call("GET", "/v1/audit/verify", headers=world.keys["accountant"])
    assert refused.status_code == 403


def test_state_at_a_version_and_as_of_a_date(api: Api, world: World) -> None:
    path = f"/v1/audit/aggregates/{world.group_id}/state"
    first = api.get(path, world.keys["auditor"], version=1)
    assert first["version"] == 1 and first["aggregate_type"] == "Group"
    assert first["state"]["loan_fund_cash"]["amount"] in ("0", "0.00")
    now = api.get(path, world.keys["auditor"])
    assert now["version"] > 1
    later = api.get(path, world.keys["auditor"], as_of="2999-01-01")
    assert later["version"] == now["version"]
    never = api.call("GET", path, headers=world.keys["auditor"], params={"as_of": "2000-01-01"})
    assert never.status_code == 404
    bad = api.call("GET", path, headers=world.keys["auditor"], params={"as_of": "yesterday"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_date"


def test_state_of_another_unions_aggregate_is_not_found(
    api: Api, world: World, other: World
) -> None:
    foreign = api.call("GET", f"/v1/audit/aggregates/{other.group_id}/state",
                       headers=world.keys["auditor"])
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "aggregate_not_found"
