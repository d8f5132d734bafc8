"""The seeded world the bad-input table aims at: every kind of id a hostile request names.

Besides the API tests' union (tests/api/support.py), it holds a KES union (two decimals),
a union of strangers (their keys and members), an exited member, a late joiner, a member
of a sister group, a group whose cycle was shared out, a revoked key, an already reversed
entry and an Idempotency-Key already used once.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.api.support import ADMIN, Api, World

REUSED_KEY = "bad-input-already-used"
SHARED_OUT_ON = "2026-03-02"


@dataclass(frozen=True)
class Seeded:
    world: World
    kes: World
    strangers: World
    closed_group_id: str
    closed_member: str
    exited_member: str
    late_member: str  # joined 2026-06-01
    sister_member: str  # of the union's other group
    revoked: dict[str, str]
    reused_fine: dict[str, object]  # booked once under REUSED_KEY

    @property
    def accountant(self) -> dict[str, str]:
        return self.world.keys["accountant"]

    def group(self, tail: str = "") -> str:
        return f"/v1/groups/{self.world.group_id}{tail}"

    def fine(self, member: str | None = None, **changes: object) -> dict[str, object]:
        return {"member_id": member or self.world.members["m1"], "amount": "500",
                "reason": "late", "on": "2026-10-01", **changes}


def seed_world(api: Api) -> Seeded:
    world = api.seed("GUL")
    kes = api.seed("NBO", currency="KES")
    strangers = api.seed("KIT")
    api.runtime.projector.stop()  # as Api.seed does: writers never wait on its batches
    try:
        return _extras(api, world, kes, strangers)
    finally:
        api.runtime.projector.start()


def _extras(api: Api, world: World, kes: World, strangers: World) -> Seeded:
    g = f"/v1/groups/{world.group_id}"
    accountant = world.keys["accountant"]
    api.ok("POST", f"{g}/members/{world.members['m3']}/exit", {"on": "2026-10-01"},
           accountant, status=200)
    late = api.post(f"{g}/members", {"name": "Late", "gender": "female",
                                     "joined_on": "2026-06-01"}, accountant)["id"]
    sister = api.post(f"/v1/groups/{world.empty_group_id}/members", {
        "name": "Sister", "gender": "male", "joined_on": "2026-01-05"}, accountant)["id"]
    closed, closed_member = _shared_out_group(api, world)
    revoked, revoked_id = api.issue_key("accountant", world.union_id)
    api.ok("POST", f"/v1/api-keys/{revoked_id}/revoke", {"reason": "left"}, status=200)
    api.post(f"/v1/unions/{world.union_id}/reversals", {
        "event_id": world.grant_event_id, "reason": "wrong donor", "on": "2026-10-01"})
    fine: dict[str, object] = {"member_id": world.members["m1"], "amount": "500",
                               "reason": "late", "on": "2026-10-01"}
    api.post(f"{g}/fines", fine, {**accountant, "Idempotency-Key": REUSED_KEY})
    return Seeded(world, kes, strangers, closed, closed_member, world.members["m3"],
                  str(late), str(sister), revoked, fine)


def _shared_out_group(api: Api, world: World) -> tuple[str, str]:
    """A group with one saver whose cycle was shared out on SHARED_OUT_ON."""
    group = api.post(f"/v1/unions/{world.union_id}/groups", {
        "name": "Closed", "enterprise": "goats", "locality": "Gulu",
        "affiliated_on": "2026-01-05"})["id"]
    g = f"/v1/groups/{group}"
    member = api.post(f"{g}/members", {"name": "Saver", "gender": "female",
                                       "joined_on": "2026-01-05"})["id"]
    api.post(f"{g}/cycles", {
        "started_on": "2026-01-05", "share_value": "2000", "min_shares": 1, "max_shares": 5,
        "social_fund_contribution": "500", "service_charge_rate_monthly": "0.10",
        "max_loan_multiple": "3", "max_term_months": 3})
    api.post(f"{g}/share-purchases", {"member_id": member, "shares": 3, "on": "2026-02-02"})
    api.ok("POST", f"{g}/cycles/current/share-out", {"on": SHARED_OUT_ON}, ADMIN, status=200)
    return str(group), str(member)
