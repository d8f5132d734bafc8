"""After a restart, a group loads from a snapshot that leaves its closed cycles' entries
out; a reversal of one of them is still refused over HTTP with its reason and code."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from tests.api.conftest import ApiFactory
from tests.api.support import CYCLE

SHARE_OUT = date(2026, 3, 2)
CYCLE_TWO = date(2026, 3, 9)


def test_a_closed_entry_is_refused_with_its_reason_after_a_restart(
    make_api: ApiFactory,
) -> None:
    first = make_api(snapshot_interval=5)
    world = first.seed("GUL")
    g = f"/v1/groups/{world.group_id}"
    members = world.members
    closed = first.post(f"{g}/share-purchases",
                        {"member_id": members["m2"], "shares": 1, "on": "2026-01-19"})
    first.ok("POST", f"{g}/cycles/current/share-out", {"on": SHARE_OUT.isoformat()},
             status=200)
    first.post(f"{g}/cycles", {**CYCLE, "started_on": CYCLE_TWO.isoformat()})
    for week in range(6):  # past a multiple of the snapshot interval after the share-out
        first.post(f"{g}/share-purchases", {
            "member_id": members["m1"], "shares": 1,
            "on": (CYCLE_TWO + timedelta(weeks=week)).isoformat()})

    restarted = make_api(snapshot_interval=5, projecting=False)  # the same store, cold
    cold = restarted.runtime.app.checkouts.rebuild(UUID(world.group_id))
    assert cold.closed_entries is None  # the latest snapshot, after the share-out, left them
    position = restarted.runtime.app.position()
    reversal = {"event_id": closed["id"], "reason": "wrong member", "on": "2026-04-20"}
    for attempt in range(2):  # and again, once the refusal dropped the replayed group
        response = restarted.call("POST", f"{g}/reversals", reversal,
                                  headers=world.keys["accountant"])
        assert response.status_code == 409, (attempt, response.text)
        problem = response.json()
        assert problem["code"] == "not_reversible"
        assert "closed by the share-out of 2026-03-02" in problem["detail"]
    unknown = restarted.call("POST", f"{g}/reversals",
                             {**reversal, "event_id": "0b5c7a5e-3f0e-4d7e-9a51-6b1d3c2e8f90"},
                             headers=world.keys["accountant"])
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["code"] == "event_not_found"
    assert restarted.runtime.app.position() == position  # nothing booked
