"""The requests the bench sends: share purchases, meeting sheets and reads, per client lane.

Each client works on its own share of the groups (an accountant types in her own groups'
sheets), so clients do not conflict on one group; every write is one the rules accept,
dated on a day of the group's open cycle that has no meeting yet.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from bench.http_load import Request
from domain.group import Group

MEETING_EVENTS = 75  # the meeting itself and 74 entries
WARM_UP_DAY = 3  # share purchases use the first three free days; the warm-up the fourth
FINE_REASON = "late for the meeting"


@dataclass(frozen=True)
class GroupPlan:
    """What a client needs to write to a group: its members and the days still free."""

    group_id: UUID
    members: tuple[str, ...]
    free_days: tuple[date, ...]
    social_fund: str


def plan_of(group: Group, today: date) -> GroupPlan | None:
    """The plan for one seeded group; None when it has no open cycle."""
    cycle = group.open_cycle
    if cycle is None:
        return None
    members = tuple(m.member_id for m in group.active_members())
    first = max(cycle.started_on, group.last_shareout_on or date.min) + timedelta(days=1)
    days = (first + timedelta(days=n) for n in range((today - first).days + 1))
    free = tuple(d for d in days if d.isoformat() not in group.meetings)
    return GroupPlan(group.id, members, free, str(cycle.social_fund_contribution.amount))


def _lanes_of(plans: list[GroupPlan], clients: int) -> list[list[GroupPlan]]:
    return [plans[lane::clients] for lane in range(clients)]


def share_purchases(plans: list[GroupPlan], clients: int, total: int) -> list[list[Request]]:
    """`total` single-share purchases, one event each, spread over the clients' groups
    (each next request to another group). Days come from the first half of each group's
    free days; meetings take the second half."""
    lanes: list[list[Request]] = []
    per_lane = max(total // clients, 1)
    for groups in _lanes_of(plans, clients):
        requests: list[Request] = []
        width = max((len(g.members) for g in groups), default=0)
        for day_index, member_index in itertools.product(range(3), range(width)):
            for group in groups:
                if day_index >= len(group.free_days) // 2 or member_index >= len(group.members):
                    continue
                requests.append(Request(
                    "POST", f"/v1/groups/{group.group_id}/share-purchases",
                    {"member_id": group.members[member_index], "shares": 1,
                     "on": group.free_days[day_index].isoformat()}, events=1))
            if len(requests) >= per_lane:
                break
        lanes.append(requests[:per_lane])
    return lanes


def warm_up_writes(plans: list[GroupPlan], per_group: int) -> list[Request]:
    """`per_group` single-share purchases per group, each by another member, on a day the
    measured writes do not use: sent before them, so every API worker has loaded every
    group (as a long-running API has) and the figures are not first loads."""
    requests: list[Request] = []
    for round_number in range(per_group):
        for group in plans:
            if len(group.free_days) // 2 > WARM_UP_DAY and round_number < len(group.members):
                requests.append(Request(
                    "POST", f"/v1/groups/{group.group_id}/share-purchases",
                    {"member_id": group.members[round_number], "shares": 1,
                     "on": group.free_days[WARM_UP_DAY].isoformat()}, events=1))
    return requests


def meetings(plans: list[GroupPlan], clients: int, total: int) -> list[list[Request]]:
    """`total` meeting sheets of MEETING_EVENTS events each, on the groups' last free days."""
    lanes: list[list[Request]] = []
    per_lane = max(total // clients, 1)
    for groups in _lanes_of(plans, clients):
        requests: list[Request] = []
        for round_number in itertools.count():
            usable = [g for g in groups if round_number < len(g.free_days) // 2]
            if not usable or len(requests) >= per_lane:
                break
            for group in usable:
                day = group.free_days[-1 - round_number]
                requests.append(Request("POST", f"/v1/groups/{group.group_id}/meetings",
                                        meeting_sheet(group, day), events=MEETING_EVENTS))
        lanes.append(requests[:per_lane])
    return lanes


def meeting_sheet(group: GroupPlan, day: date) -> dict[str, object]:
    entries: list[dict[str, object]] = []
    for member in group.members:
        entries.append({"type": "share_purchase", "member_id": member, "shares": 1})
        entries.append({"type": "social_fund_contribution", "member_id": member,
                        "amount": group.social_fund})
    for member in itertools.cycle(group.members):
        if len(entries) >= MEETING_EVENTS - 1:
            break
        entries.append({"type": "fine", "member_id": member, "amount": "500",
                        "reason": FINE_REASON})
    return {"held_on": day.isoformat(), "attendance": list(group.members),
            "entries": entries[:MEETING_EVENTS - 1]}


def balance_reads(plans: list[GroupPlan], clients: int, total: int,
                  seed: int) -> list[list[Request]]:
    rng = random.Random(seed)
    per_lane = max(total // clients, 1)
    return [[Request("GET", f"/v1/groups/{rng.choice(plans).group_id}/balances")
             for _ in range(per_lane)] for _ in range(clients)]


def entitlement_reads(union_id: UUID, hazard_id: UUID, clients: int,
                      total: int) -> list[list[Request]]:
    per_lane = max(total // clients, 1)
    path = f"/v1/unions/{union_id}/hazards/{hazard_id}/entitlements"
    return [[Request("GET", path) for _ in range(per_lane)] for _ in range(clients)]
