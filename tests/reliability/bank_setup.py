"""The bank test's federation, registered over HTTP: a union, its groups, keys, a hazard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import httpx

from tests.reliability.bank_client import TIMEOUT, RequestLog, Sender
from tests.reliability.bank_requests import Json
from tests.reliability.bank_world import SHARE_VALUE, SOCIAL_FUND, GroupState, Plan, World

GROUPS = 6
MEMBERS = 8
DAYS = 90  # the business dates of the run: the last DAYS days before yesterday
DONOR_GRANT = "200000"


class SetupFailed(AssertionError):
    pass


class Poster:
    """POSTs one setup request through the retrying sender; it must be booked."""

    def __init__(self, http: httpx.Client, urls: Sequence[str], log: RequestLog) -> None:
        self.http = http
        self.urls = urls
        self.log = log

    def __call__(self, kind: str, path: str, body: Json, headers: dict[str, str]) -> Json:
        request = self.log.new(Plan(kind, "POST", f"/v1{path}", body))
        Sender(self.http, self.urls, headers, offset=0).send(request)
        if not request.booked:
            raise SetupFailed(f"setting up failed: {kind} {path} answered {request.status}: "
                              f"{request.answer} after {request.failures}")
        return request.answered()


def set_up(
    urls: Sequence[str], admin: dict[str, str], log: RequestLog, today: date
) -> tuple[World, dict[str, str], dict[str, str]]:
    """The union (UGX), GROUPS groups of MEMBERS members with an open cycle, a hazard
    affecting them all, a donor grant to the relief fund; and an accountant's and a
    relief officer's key. Returns the world and the two keys' headers."""
    last_day = today - timedelta(days=1)
    first_day = last_day - timedelta(days=DAYS)
    with httpx.Client(timeout=TIMEOUT) as http:
        post = Poster(http, urls, log)
        union = post("union", "/unions", {
            "code": "BANK", "name": "Bank test union", "currency": "UGX",
            "subscription_schedule": {"frequency": "annual", "amount": "12000",
                                      "grace_days": 30},
            "relief_policy": {"sar_multiplier": "3", "sye_multiplier": "1",
                              "waiting_period_days": 0, "require_paid_subscriptions": False,
                              "effective_on": first_day.isoformat()}}, admin)
        union_id = str(union["id"])
        keys = [post("api_key", "/api-keys", {"role": role, "union_id": union_id,
                                              "label": f"bank {role}"}, admin)["secret"]
                for role in ("accountant", "relief_officer")]
        accountant, relief = ({"Authorization": f"Bearer {secret}"} for secret in keys)
        groups = [_group(post, union_id, index, first_day, accountant)
                  for index in range(GROUPS)]
        hazard = post("hazard", f"/unions/{union_id}/hazards", {
            "kind": "flood", "description": "river flood",
            "affected_group_ids": [g.group_id for g in groups],
            "declared_on": (last_day - timedelta(days=10)).isoformat()}, relief)
        post("donor_grant", f"/unions/{union_id}/relief-fund/grants", {
            "donor": "WFP", "amount": DONOR_GRANT, "on": first_day.isoformat()}, accountant)
    world = World(union_id, str(hazard["id"]), groups, first_day, last_day)
    return world, accountant, relief


def _group(
    post: Poster, union_id: str, index: int, first_day: date, headers: dict[str, str]
) -> GroupState:
    group = post("group", f"/unions/{union_id}/groups", {
        "name": f"Group {index + 1}", "enterprise": "poultry", "locality": "Gulu",
        "affiliated_on": first_day.isoformat()}, headers)
    group_id = str(group["id"])
    members = [str(post("join", f"/groups/{group_id}/members", {
        "name": f"Member {index + 1}.{number + 1}", "gender": "female" if number % 3 else "male",
        "joined_on": first_day.isoformat()}, headers)["id"]) for number in range(MEMBERS)]
    post("cycle", f"/groups/{group_id}/cycles", {
        "started_on": first_day.isoformat(), "share_value": str(SHARE_VALUE), "min_shares": 1,
        "max_shares": 5, "social_fund_contribution": str(SOCIAL_FUND),
        "service_charge_rate_monthly": "0.05", "max_loan_multiple": "3",
        "max_term_months": 3}, headers)
    return GroupState(group_id, members)
