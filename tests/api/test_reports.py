"""Reports: CSV for each, pages and cursors, arrears, and read-your-writes with min_position."""

from __future__ import annotations

import csv
import io
import threading
import time
from typing import Any
from uuid import UUID

import pytest

from domain.postings import journal_entry
from tests.api.catalogue import REPORTS, Endpoint
from tests.api.conftest import ApiFactory
from tests.api.support import ADMIN, Api, World, fill
from tests.projections.support import events_of

CSV_COLUMNS = {
    "/balances": "section", "/statement": "position", "/journal": "position",
    "/trial-balance": "code", "/indicators": "indicator", "/arrears": "group_id",
    "/groups": "id", "/entitlements": "group_id", "/savix": "report_date",
}


@pytest.mark.parametrize("endpoint", REPORTS, ids=lambda e: e.name)
def test_every_report_answers_csv(api: Api, world: World, endpoint: Endpoint) -> None:
    # An empty group owes its 2026 subscription, so arrears have a line too.
    path = fill(endpoint.template, world.ids())
    response = api.call("GET", path, headers={**ADMIN, "Accept": "text/csv"},
                        params={"min_position": api.runtime.app.position()})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    suffix = next(s for s in CSV_COLUMNS if endpoint.template.endswith(s))
    assert rows[0][0] == CSV_COLUMNS[suffix]
    assert len(rows) >= 2, response.text
    assert all(len(row) == len(rows[0]) for row in rows)


def test_pages_follow_their_cursor(api: Api, world: World) -> None:
    for index in range(3):
        api.post(f"/v1/unions/{world.union_id}/groups", {
            "name": f"Group {index}", "enterprise": "tailoring", "locality": "Gulu",
            "affiliated_on": "2026-02-01"})
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/v1/unions/{world.union_id}/groups", **params)
        seen += [group["id"] for group in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    journal = api.get(f"/v1/groups/{world.group_id}/journal", limit=3)
    following = api.get(f"/v1/groups/{world.group_id}/journal", limit=3,
                        cursor=journal["next"])
    assert journal["items"][-1]["position"] < following["items"][0]["position"]
    wrong = api.call("GET", f"/v1/groups/{world.group_id}/journal",
                     params={"cursor": page_cursor_of_groups(api, world)})
    assert wrong.status_code == 422


def page_cursor_of_groups(api: Api, world: World) -> str:
    cursor: str = api.get(f"/v1/unions/{world.union_id}/groups", limit=1)["next"]
    return cursor


def test_a_statement_pages_by_line(api: Api, world: World) -> None:
    path = f"/v1/groups/{world.group_id}/members/{world.members['m1']}/statement"
    whole = api.get(path)["items"]
    lines, cursor = [], None
    while True:
        page = api.get(path, limit=1, **({"cursor": cursor} if cursor else {}))
        lines += page["items"]
        cursor = page["next"]
        if cursor is None:
            break
    assert lines == whole and len(whole) >= 3


def test_books_balance_and_balances_go_back_in_time(api: Api, world: World) -> None:
    for book in (f"/v1/groups/{world.group_id}", f"/v1/unions/{world.union_id}"):
        trial = api.get(f"{book}/trial-balance")
        assert trial["total_debit"] == trial["total_credit"] != "0"
        early = api.get(f"{book}/trial-balance", as_of="2026-01-05")
        assert early["total_debit"] == early["total_credit"]
    then = api.get(f"/v1/groups/{world.group_id}/balances", as_of="2026-01-05")
    assert then["balances"]["loan_fund_cash"] == "20000"
    assert then["balances"]["member_savings"] == "0"


def test_arrears_come_from_the_union(api: Api, world: World) -> None:
    lines = api.get(f"/v1/unions/{world.union_id}/arrears")
    assert lines == [{"group_id": world.empty_group_id, "period": "2026", "due_on": "2026-02-04",
                      "owed": "12000", "paid": "0", "unpaid": "12000"}]
    assert api.get(f"/v1/unions/{world.union_id}/arrears", as_of="2026-02-04") == []


UNION = {"code": "GUL", "name": "Gulu", "currency": "UGX",
         "subscription_schedule": {"frequency": "annual", "amount": "1000", "grace_days": 0}}


def test_min_position_waits_for_the_write(make_api: ApiFactory) -> None:
    api = make_api(projecting=False, read_wait_timeout_s=10)
    union = api.post("/v1/unions", UNION)
    path = f"/v1/unions/{union['id']}"
    assert api.call("GET", path).status_code == 404  # not projected yet
    later = threading.Timer(0.5, api.runtime.projector.catch_up)
    started = time.monotonic()
    later.start()
    response = api.call("GET", path, params={"min_position": union["position"]})
    later.join()
    assert response.status_code == 200 and response.json()["code"] == "GUL"
    assert time.monotonic() - started >= 0.4


def test_a_position_beyond_the_log_is_refused_at_once(api: Api, world: World) -> None:
    beyond = api.runtime.app.position() + 1
    for params in ({"min_position": beyond}, {"min_position": 2**63},
                   {"after": 2**64}):
        response = api.call("GET", "/v1/audit/events", params=params)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"
    huge_cursor = api.call("GET", f"/v1/groups/{world.group_id}/journal",
                           params={"cursor": "OTIyMzM3MjAzNjg1NDc3NTgwOA"})  # 2**63
    assert huge_cursor.status_code == 422


def test_min_position_gives_up_with_503(make_api: ApiFactory) -> None:
    api = make_api(projecting=False, read_wait_timeout_s=0.3)
    union = api.post("/v1/unions", UNION)
    response = api.call("GET", f"/v1/unions/{union['id']}",
                        params={"min_position": union["position"]})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["code"] == "projection_lagging"


def test_the_savix_report_is_a_csv_row_per_group(api: Api, world: World) -> None:
    answer = api.call("GET", f"/v1/unions/{world.union_id}/savix",
                      headers={**world.keys["accountant"], "Accept": "text/csv"},
                      params={"year": 2026, "quarter": 1,
                              "min_position": api.runtime.app.position()})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    header, *rows = answer.text.strip().splitlines()
    assert header.split(",")[:2] == ["report_date", "year"] or "group_id" in header
    assert "members_at_cycle_start" in header and "attendance_rate" in header
    assert len(rows) >= 1
    bad = api.call("GET", f"/v1/unions/{world.union_id}/savix",
                   headers=world.keys["accountant"],
                   params={"quarter": 5, "min_position": api.runtime.app.position()})
    assert bad.status_code == 422


def test_each_journal_entry_carries_the_lines_its_event_books(api: Api, world: World) -> None:
    """An entry's lines are found by its position in the log; each entry of the journal
    has exactly the lines the posting rules give its event, in their order."""
    app = api.runtime.app
    expected = {}
    for event in events_of(app, UUID(world.group_id)):
        entry = journal_entry(event)
        if entry is not None:
            expected[str(event.event_id)] = [
                (p.account, p.sub_account, p.amount.to_json() if p.side == "debit" else "0",
                 p.amount.to_json() if p.side == "credit" else "0") for p in entry.postings]
    items = api.get(f"/v1/groups/{world.group_id}/journal", limit=1000)["items"]
    assert len(items) == len(expected) >= 5
    for item in items:
        lines = [(p["account"], p["sub_account"], p["debit"], p["credit"])
                 for p in item["postings"]]
        assert lines == expected[item["event_id"]], item
