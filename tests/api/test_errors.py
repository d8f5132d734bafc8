"""Problem documents and limits: money as strings, decimals, sizes, unknown routes, crashes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from api.app import create_app
from tests.api.conftest import SettingsFactory, client_for
from tests.api.support import ADMIN, TODAY, Api, World
from union_ledger.runtime import Runtime, start_runtime

PROBLEM = "application/problem+json"


def fine(world: World, amount: object) -> dict[str, object]:
    return {"member_id": world.members["m1"], "amount": amount, "reason": "late",
            "on": "2026-10-01"}


def test_money_as_a_json_number_is_refused(api: Api, world: World) -> None:
    for amount in (500, 500.0, True, None):
        response = api.call("POST", f"/v1/groups/{world.group_id}/fines", fine(world, amount))
        assert response.status_code == 422, response.text
        problem = response.json()
        assert response.headers["content-type"].startswith(PROBLEM)
        assert problem["code"] == "validation_error"
        assert [e["field"] for e in problem["errors"]] == ["amount"]


@pytest.mark.parametrize("amount", ["0", "-5", "1e3", " 5", "5.", ".5", "1,000", "12.1234567"])
def test_malformed_zero_and_negative_amounts_are_refused(
    api: Api, world: World, amount: str
) -> None:
    response = api.call("POST", f"/v1/groups/{world.group_id}/fines", fine(world, amount))
    assert response.status_code == 422, response.text
    assert response.json()["code"] in ("validation_error", "invalid_amount")


def test_decimals_follow_the_currency(api: Api) -> None:
    kes = api.seed("NBO", currency="KES")
    path = f"/v1/groups/{kes.group_id}/fines"
    refused = api.call("POST", path, fine(kes, "12.345"))
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_amount"
    assert api.post(path, fine(kes, "12.34"))["amount"] == "12.34"
    ugx = api.seed("GUL")
    refused = api.call("POST", f"/v1/groups/{ugx.group_id}/fines", fine(ugx, "12.5"))
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_amount"


def test_validation_errors_name_every_failing_field(api: Api, world: World) -> None:
    response = api.call("POST", f"/v1/groups/{world.group_id}/loans", {
        "member_id": "not-a-uuid", "principal": "1000", "term_months": "3",
        "on": 20260301, "surprise": 1})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"member_id", "term_months", "on", "surprise"}
    assert "member_id" in response.json()["detail"]


def test_a_refused_meeting_entry_is_named(api: Api, world: World) -> None:
    response = api.call("POST", f"/v1/groups/{world.group_id}/meetings", {
        "held_on": "2026-03-02", "attendance": [world.members["m1"]],
        "entries": [{"type": "fine", "member_id": world.members["m1"], "amount": "100",
                     "reason": "late"},
                    {"type": "loan", "member_id": world.members["m2"], "principal": "999999",
                     "term_months": 2}]})
    assert response.status_code == 409, response.text
    problem = response.json()
    assert (problem["entry_index"], problem["entry_type"]) == (1, "loan")
    assert problem["detail"].startswith("entry 1 (loan)")


def test_the_body_size_is_limited(api: Api, world: World) -> None:
    big = {"amount": "100", "description": "x" * 1_100_000, "on": "2026-10-01"}
    response = api.call("POST", f"/v1/groups/{world.group_id}/enterprise-earnings", big)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert response.headers["content-type"].startswith(PROBLEM)


@pytest.fixture
def limited(make_settings: SettingsFactory) -> Iterator[tuple[FastAPI, Runtime]]:
    settings = make_settings(request_body_bytes_max=2048, meeting_entries_max=2,
                             page_size_default=2, page_size_max=3,
                             idempotency_key_length_max=16)
    runtime = start_runtime(settings, background_projection=True, clock=lambda: TODAY)
    try:
        yield create_app(settings, runtime), runtime
    finally:
        runtime.close()


def test_limits_come_from_the_settings(limited: tuple[FastAPI, Runtime]) -> None:
    app, runtime = limited
    api = Api(client_for(app), runtime)
    world = api.seed("GUL")
    too_big = {"amount": "100", "description": "x" * 3000, "on": "2026-10-01"}
    g = f"/v1/groups/{world.group_id}"
    assert api.call("POST", f"{g}/enterprise-earnings", too_big).status_code == 413
    entry = {"type": "fine", "member_id": world.members["m1"], "amount": "1", "reason": "x"}
    meeting = {"held_on": "2026-03-02", "attendance": [], "entries": [entry] * 3}
    refused = api.call("POST", f"{g}/meetings", meeting)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "entries"
    page = api.get(f"/v1/unions/{world.union_id}/groups")
    assert len(page["items"]) == 2 and page["next"]
    assert api.call("GET", f"{g}/journal", params={"limit": 4}).status_code == 422
    long_key = {**ADMIN, "Idempotency-Key": "k" * 17}
    refused = api.call("POST", f"{g}/fines", fine(world, "10"), long_key)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "Idempotency-Key"


def test_page_size_is_bounded(api: Api, world: World) -> None:
    for limit in (0, 1001, -1):
        response = api.call("GET", f"/v1/unions/{world.union_id}/groups", params={"limit": limit})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "limit"


def test_unknown_routes_and_methods_are_problems(api: Api) -> None:
    missing = api.call("GET", "/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert missing.headers["content-type"].startswith(PROBLEM)
    wrong = api.call("DELETE", "/v1/unions")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


def test_an_unexpected_error_is_logged_with_a_correlation_id(
    shared_app: FastAPI, api: Api, world: World, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api.runtime.app, "record_enterprise_earnings", broken)
    client = client_for(shared_app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="union_ledger.api"):
        response = client.post(f"/v1/groups/{world.group_id}/enterprise-earnings",
                               json={"amount": "1", "description": "x", "on": "2026-10-01"},
                               headers={**ADMIN, "X-Request-Id": "trace-42"})
    assert response.status_code == 500
    problem = response.json()
    assert problem["code"] == "internal_error"
    assert problem["correlation_id"] == "trace-42"
    assert "disk on fire" not in response.text
    logged = [r for r in caplog.records if "trace-42" in r.getMessage()]
    assert logged and logged[0].exc_info is not None


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_business_dates_stay_in_the_calendar(api: Api, world: World, day: str) -> None:
    schedule = {"frequency": "monthly", "amount": "100", "grace_days": 366, "effective_on": day}
    response = api.call("PUT", f"/v1/unions/{world.union_id}/subscription-schedule", schedule)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "effective_on"
    period = {"period": day[:4], "amount": "100", "on": "2026-10-01"}
    response = api.call("POST", f"/v1/groups/{world.group_id}/subscriptions", period)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
