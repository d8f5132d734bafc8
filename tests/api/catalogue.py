"""Every endpoint with a request that succeeds on a seeded world and one that a rule refuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.api.support import CYCLE, World

Json = dict[str, Any]
Body = Callable[[World], Json | None]
Ids = Callable[[World], dict[str, str]]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    body: Body | None = None  # None: the success body
    ids: Ids | None = None  # path ids replacing the world's
    params: Json | None = None


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str
    body: Body
    status: int
    refusal: Refusal
    ids: Ids | None = None  # path ids replacing the world's for the success case

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


def none(world: World) -> None:
    return None


def on(day: str = "2026-10-01", **fields: Any) -> Body:
    def body(world: World) -> Json:
        return {**{k: v(world) if callable(v) else v for k, v in fields.items()}, "on": day}

    return body


def member(name: str) -> Callable[[World], str]:
    return lambda world: world.members[name]


def unknown(*names: str) -> Ids:
    return lambda world: dict.fromkeys(names, UNKNOWN)


POLICY = {"sar_multiplier": "3", "sye_multiplier": "1", "cap_per_hazard": "50000",
          "waiting_period_days": 90, "require_paid_subscriptions": True,
          "effective_on": "2026-07-01"}
UNION = {"code": "NEW", "name": "New union", "currency": "UGX",
         "subscription_schedule": {"frequency": "annual", "amount": "12000", "grace_days": 30}}
GROUP = {"name": "Amani", "enterprise": "bees", "locality": "Lira", "affiliated_on": "2026-03-01"}
V = "/v1"
G = "/v1/groups/{group_id}"
U = "/v1/unions/{union_id}"

ADMIN_ENDPOINTS = (
    Endpoint("POST", f"{V}/unions", lambda w: UNION, 201,
             Refusal(422, "unknown_currency", lambda w: {**UNION, "currency": "XXX"})),
    Endpoint("GET", f"{V}/unions", none, 200,
             Refusal(422, "validation_error", params={"limit": 5000})),
    Endpoint("GET", U, none, 200, Refusal(404, "union_not_found", ids=unknown("union_id"))),
    Endpoint("PUT", f"{U}/relief-policy", lambda w: POLICY, 200,
             Refusal(422, "invalid_policy", lambda w: {**POLICY, "waiting_period_days": 9999})),
    Endpoint("PUT", f"{U}/subscription-schedule",
             lambda w: {"frequency": "annual", "amount": "15000", "grace_days": 30,
                        "effective_on": "2027-01-01"}, 200,
             Refusal(409, "change_affects_history",
                     lambda w: {"frequency": "annual", "amount": "15000", "grace_days": 30,
                                "effective_on": "2026-01-01"})),
    Endpoint("POST", f"{V}/api-keys",
             lambda w: {"role": "auditor", "union_id": w.union_id, "label": "outside auditor"},
             201, Refusal(422, "invalid_input",
                          lambda w: {"role": "auditor", "label": "no union"})),
    Endpoint("GET", f"{V}/api-keys/{{key_id}}", none, 200,
             Refusal(404, "api_key_not_found", ids=unknown("key_id"))),
    Endpoint("POST", f"{V}/api-keys/{{key_id}}/revoke", lambda w: {"reason": "left"}, 200,
             Refusal(404, "api_key_not_found", ids=unknown("key_id"))),
)

GROUP_ENDPOINTS = (
    Endpoint("POST", f"{U}/groups", lambda w: GROUP, 201,
             Refusal(422, "date_in_future", lambda w: {**GROUP, "affiliated_on": "2027-01-01"})),
    Endpoint("GET", f"{U}/groups", none, 200,
             Refusal(422, "validation_error", params={"cursor": "%%%"})),
    Endpoint("GET", G, none, 200, Refusal(404, "group_not_found", ids=unknown("group_id"))),
    Endpoint("POST", f"{G}/members",
             lambda w: {"name": "Auma", "gender": "female", "joined_on": "2026-02-02"}, 201,
             Refusal(422, "validation_error",
                     lambda w: {"name": "Auma", "gender": "x", "joined_on": "2026-02-02"})),
    Endpoint("GET", f"{G}/members", none, 200,
             Refusal(404, "group_not_found", ids=unknown("group_id"))),
    Endpoint("POST", f"{G}/members/{{member_id}}/exit", on(), 200,
             Refusal(404, "member_not_found", ids=unknown("member_id")),
             ids=lambda w: {"member_id": w.members["m3"]}),
    Endpoint("POST", f"{G}/cycles", lambda w: CYCLE, 201,
             Refusal(409, "cycle_already_open", ids=lambda w: {"group_id": w.group_id}),
             ids=lambda w: {"group_id": w.empty_group_id}),
    Endpoint("POST", f"{G}/cycles/current/share-out", on(), 200,
             Refusal(409, "no_open_cycle", ids=lambda w: {"group_id": w.empty_group_id})),
)

MONEY_ENDPOINTS = (
    Endpoint("POST", f"{G}/share-purchases", on(member_id=member("m2"), shares=2), 201,
             Refusal(422, "share_limit_exceeded", on(member_id=member("m2"), shares=6))),
    Endpoint("POST", f"{G}/social-fund/contributions", on(member_id=member("m2"), amount="500"),
             201, Refusal(422, "invalid_input", on(member_id=member("m2"), amount="400"))),
    Endpoint("POST", f"{G}/social-fund/grants",
             on(member_id=member("m1"), amount="500", reason="funeral"), 201,
             Refusal(409, "insufficient_social_fund",
                     on(member_id=member("m1"), amount="9000", reason="funeral"))),
    Endpoint("POST", f"{G}/loans", on(member_id=member("m2"), principal="3000", term_months=2),
             201, Refusal(409, "loan_already_open",
                          on(member_id=member("m1"), principal="1000", term_months=2))),
    Endpoint("POST", f"{G}/loans/{{loan_id}}/repayments", on(amount="1000"), 201,
             Refusal(409, "repayment_exceeds_outstanding", on(amount="100000"))),
    Endpoint("POST", f"{G}/loans/{{loan_id}}/write-off", on(reason="moved away"), 201,
             Refusal(404, "loan_not_found", ids=unknown("loan_id"))),
    Endpoint("POST", f"{G}/fines", on(member_id=member("m1"), amount="200", reason="late"), 201,
             Refusal(404, "member_not_found", on(member_id=UNKNOWN, amount="200",
                                                 reason="late"))),
    Endpoint("POST", f"{G}/enterprise-earnings", on(amount="7000", description="eggs"), 201,
             Refusal(422, "invalid_amount", on(amount="0", description="eggs"))),
    Endpoint("POST", f"{G}/cash-counts", on(loan_fund_cash="15000", social_fund_cash="500"), 201,
             Refusal(422, "date_in_future",
                     on("2026-12-01", loan_fund_cash="1", social_fund_cash="1"))),
    Endpoint("POST", f"{G}/meetings", lambda w: {
        "held_on": "2026-03-02", "attendance": [w.members["m1"], w.members["m2"]],
        "entries": [
            {"type": "share_purchase", "member_id": w.members["m2"], "shares": 1},
            {"type": "social_fund_contribution", "member_id": w.members["m2"], "amount": "500"},
            {"type": "repayment", "loan_id": w.loan_id, "amount": "1000"}]}, 201,
        Refusal(422, "share_limit_exceeded", lambda w: {
            "held_on": "2026-03-02", "attendance": [w.members["m1"]],
            "entries": [{"type": "fine", "member_id": w.members["m1"], "amount": "100",
                         "reason": "late"},
                        {"type": "share_purchase", "member_id": w.members["m1"],
                         "shares": 9}]})),
    Endpoint("POST", f"{G}/reversals",
             lambda w: {"event_id": w.sar_event_id, "reason": "typed twice", "on": "2026-10-01"},
             201, Refusal(404, "event_not_found", lambda w: {
                 "event_id": UNKNOWN, "reason": "typed twice", "on": "2026-10-01"})),
    Endpoint("POST", f"{U}/reversals",
             lambda w: {"event_id": w.grant_event_id, "reason": "wrong donor",
                        "on": "2026-10-01"},
             201, Refusal(404, "event_not_found", lambda w: {
                 "event_id": UNKNOWN, "reason": "wrong donor", "on": "2026-10-01"})),
)

TRANSFER_ENDPOINTS = (
    Endpoint("POST", f"{G}/subscriptions", on(period="2027", amount="6000"), 201,
             Refusal(409, "subscription_overpaid", on(period="2026", amount="100"))),
    Endpoint("POST", f"{G}/sar-contributions", on(amount="1000"), 201,
             Refusal(409, "insufficient_loan_fund", on(amount="900000"))),
    Endpoint("POST", f"{G}/sye-deposits", on(amount="1000"), 201,
             Refusal(409, "insufficient_loan_fund", on(amount="900000"))),
    Endpoint("POST", f"{G}/sye-withdrawals", on(amount="1000"), 201,
             Refusal(409, "insufficient_sye_balance", on(amount="900000"))),
    Endpoint("POST", f"{U}/relief-fund/grants", on(donor="WFP", amount="5000"), 201,
             Refusal(422, "validation_error", on(donor="WFP", amount="-5"))),
    Endpoint("POST", f"{U}/relief-fund/allocations", on(amount="1000"), 201,
             Refusal(409, "insufficient_reserve", on(amount="900000"))),
    Endpoint("POST", f"{U}/hazards", lambda w: {
        "kind": "drought", "description": "dry season", "declared_on": "2026-09-01",
        "affected_group_ids": [w.group_id]}, 201,
        Refusal(404, "group_not_found", lambda w: {
            "kind": "drought", "description": "dry season", "declared_on": "2026-09-01",
            "affected_group_ids": [UNKNOWN]})),
    Endpoint("GET", f"{U}/hazards", none, 200,
             Refusal(404, "union_not_found", ids=unknown("union_id"))),
    Endpoint("GET", f"{U}/hazards/{{hazard_id}}", none, 200,
             Refusal(404, "hazard_not_found", ids=unknown("hazard_id"))),
    Endpoint("GET", f"{U}/hazards/{{hazard_id}}/entitlements", none, 200,
             Refusal(404, "hazard_not_found", ids=unknown("hazard_id"))),
    Endpoint("POST", f"{U}/hazards/{{hazard_id}}/payouts",
             lambda w: {"group_id": w.group_id, "amount": "15000", "on": "2026-10-01"}, 201,
             Refusal(409, "entitlement_exceeded", lambda w: {
                 "group_id": w.group_id, "amount": "25000", "on": "2026-10-01"})),
)

REPORT_ENDPOINTS = (
    Endpoint("GET", f"{G}/balances", none, 200,
             Refusal(422, "validation_error", params={"as_of": "2026-13-01"})),
    Endpoint("GET", f"{G}/members/{{member_id}}/statement", none, 200,
             Refusal(404, "member_not_found", ids=unknown("member_id"))),
    Endpoint("GET", f"{G}/journal", none, 200,
             Refusal(422, "validation_error", params={"from": "yesterday"})),
    Endpoint("GET", f"{U}/journal", none, 200,
             Refusal(404, "union_not_found", ids=unknown("union_id"))),
    Endpoint("GET", f"{G}/trial-balance", none, 200,
             Refusal(404, "group_not_found", ids=unknown("group_id"))),
    Endpoint("GET", f"{U}/trial-balance", none, 200,
             Refusal(404, "union_not_found", ids=unknown("union_id"))),
    Endpoint("GET", f"{G}/indicators", none, 200,
             Refusal(404, "group_not_found", ids=unknown("group_id"))),
    Endpoint("GET", f"{U}/indicators", none, 200,
             Refusal(404, "union_not_found", ids=unknown("union_id"))),
    Endpoint("GET", f"{U}/arrears", none, 200,
             Refusal(404, "union_not_found", ids=unknown("union_id"))),
    Endpoint("GET", f"{U}/savix", none, 200,
             Refusal(404, "union_not_found", ids=unknown("union_id"))),
)

AUDIT_ENDPOINTS = (
    Endpoint("GET", f"{V}/audit/events", none, 200,
             Refusal(422, "validation_error", params={"limit": 0})),
    Endpoint("GET", f"{V}/audit/aggregates/{{aggregate_id}}/events", none, 200,
             Refusal(404, "aggregate_not_found", ids=unknown("aggregate_id"))),
    Endpoint("GET", f"{V}/audit/aggregates/{{aggregate_id}}/state", none, 200,
             Refusal(404, "aggregate_not_found", ids=unknown("aggregate_id"))),
    Endpoint("GET", f"{V}/audit/verify", none, 200,
             Refusal(422, "validation_error", params={"min_position": -1})),
)

ENDPOINTS = (ADMIN_ENDPOINTS + GROUP_ENDPOINTS + MONEY_ENDPOINTS + TRANSFER_ENDPOINTS
             + REPORT_ENDPOINTS + AUDIT_ENDPOINTS)
# The reports that answer CSV too: the books above, the groups list and entitlements.
REPORTS = (
    *REPORT_ENDPOINTS,
    next(e for e in GROUP_ENDPOINTS if e.method == "GET" and e.template.endswith("/groups")),
    next(e for e in TRANSFER_ENDPOINTS if e.template.endswith("/entitlements")),
)
