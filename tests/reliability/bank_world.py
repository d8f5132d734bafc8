"""The bank test's federation and its random operations, valid and invalid.

Valid operations may still be refused by the books (not enough cash, a limit reached, a
meeting already held that day): that is a correct refusal, and books nothing. Invalid
ones can never succeed as written and carry the codes they may be refused with.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tests.reliability.bank_requests import TRANSFERS, Json, Request

UNKNOWN_ID = "00000000-0000-4000-8000-00000000dead"
SHARE_VALUE = 1000
SOCIAL_FUND = 500
MEETING_ENTRIES_MAX = 6


@dataclass(frozen=True)
class Plan:
    kind: str
    method: str
    path: str
    body: Json
    refusal_codes: frozenset[str] = frozenset()  # non-empty: built to be refused

    @property
    def invalid(self) -> bool:
        return bool(self.refusal_codes)


@dataclass
class GroupState:
    group_id: str
    members: list[str]
    loans: list[str] = field(default_factory=list)


@dataclass
class World:
    """What the clients know: ids handed out by acknowledged answers."""

    union_id: str
    hazard_id: str
    groups: list[GroupState]
    first_day: date
    last_day: date
    reversible: list[tuple[str, str, str]] = field(default_factory=list)  # book, id, event
    lock: threading.Lock = field(default_factory=threading.Lock)

    def day(self, rng: random.Random) -> date:
        return self.first_day + timedelta(days=rng.randrange((self.last_day
                                                              - self.first_day).days + 1))

    def group(self, rng: random.Random) -> GroupState:
        return rng.choice(self.groups)

    def note(self, request: Request) -> None:
        """Remember what a booked answer handed out: loans, reversible entries, members."""
        answer = request.answered()
        group_id = request.path.split("/")[3] if request.path.startswith("/v1/groups/") else ""
        with self.lock:
            state = next((g for g in self.groups if g.group_id == group_id), None)
            if request.kind == "loan" and state is not None:
                state.loans.append(str(answer["loan_id"]))
            elif request.kind == "meeting" and state is not None:
                state.loans.extend(str(r["loan_id"]) for r in answer["results"]
                                   if r["type"] == "loan")
            elif request.kind == "join" and state is not None:
                state.members.append(str(answer["id"]))
            if request.kind in REVERSIBLE_GROUP_KINDS and state is not None:
                self.reversible.append(("groups", state.group_id, str(answer["id"])))
            elif request.kind == "donor_grant":
                self.reversible.append(("unions", self.union_id, str(answer["id"])))


REVERSIBLE_GROUP_KINDS = frozenset({"share_purchase", "social_fund_contribution", "fine",
                                    "social_fund_grant", "enterprise_earnings", "loan",
                                    "repayment"}) | TRANSFERS - {"relief_payout"}

Builder = Callable[[World, random.Random], Plan]


def _g(state: GroupState, tail: str) -> str:
    return f"/v1/groups/{state.group_id}/{tail}"


def _member(state: GroupState, rng: random.Random) -> str:
    return rng.choice(state.members)


def _money(rng: random.Random, low: int, high: int, step: int = 100) -> str:
    return str(rng.randrange(low, high + 1, step))


def share_purchase(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("share_purchase", "POST", _g(g, "share-purchases"), {
        "member_id": _member(g, rng), "shares": rng.randint(1, 5),
        "on": world.day(rng).isoformat()})


def contribution(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("social_fund_contribution", "POST", _g(g, "social-fund/contributions"), {
        "member_id": _member(g, rng), "amount": str(SOCIAL_FUND),
        "on": world.day(rng).isoformat()})


def grant(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("social_fund_grant", "POST", _g(g, "social-fund/grants"), {
        "member_id": _member(g, rng), "amount": _money(rng, 200, 3000), "reason": "funeral",
        "on": world.last_day.isoformat()})


def loan(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("loan", "POST", _g(g, "loans"), {
        "member_id": _member(g, rng), "principal": _money(rng, 1000, 12000, 1000),
        "term_months": rng.randint(1, 3), "on": world.day(rng).isoformat()})


def repayment(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    loan_id = rng.choice(g.loans) if g.loans else UNKNOWN_ID
    return Plan("repayment", "POST", _g(g, f"loans/{loan_id}/repayments"), {
        "amount": _money(rng, 500, 6000), "on": world.last_day.isoformat()})


def write_off(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    loan_id = rng.choice(g.loans) if g.loans else UNKNOWN_ID
    return Plan("write_off", "POST", _g(g, f"loans/{loan_id}/write-off"), {
        "reason": "moved away", "on": world.last_day.isoformat()})


def fine(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("fine", "POST", _g(g, "fines"), {
        "member_id": _member(g, rng), "amount": _money(rng, 100, 1000), "reason": "late",
        "on": world.day(rng).isoformat()})


def earnings(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("enterprise_earnings", "POST", _g(g, "enterprise-earnings"), {
        "amount": _money(rng, 1000, 20000), "description": "egg sales",
        "on": world.day(rng).isoformat()})


def cash_count(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("cash_count", "POST", _g(g, "cash-counts"), {
        "loan_fund_cash": _money(rng, 0, 50000), "social_fund_cash": _money(rng, 0, 5000),
        "on": world.last_day.isoformat()})


def meeting(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    entries: list[Json] = []
    for _ in range(rng.randint(1, MEETING_ENTRIES_MAX)):
        kind = rng.choice(("share_purchase", "share_purchase", "social_fund_contribution",
                           "fine", "loan", "repayment", "social_fund_grant"))
        entries.append(_meeting_entry(kind, g, rng))
    attendance = sorted(set(rng.sample(g.members, k=min(len(g.members), 4))))
    return Plan("meeting", "POST", _g(g, "meetings"), {
        "held_on": world.day(rng).isoformat(), "attendance": attendance, "entries": entries})


def _meeting_entry(kind: str, g: GroupState, rng: random.Random) -> Json:
    if kind == "share_purchase":
        return {"type": kind, "member_id": _member(g, rng), "shares": rng.randint(1, 2)}
    if kind == "social_fund_contribution":
        return {"type": kind, "member_id": _member(g, rng), "amount": str(SOCIAL_FUND)}
    if kind == "fine":
        return {"type": kind, "member_id": _member(g, rng), "amount": _money(rng, 100, 500),
                "reason": "late"}
    if kind == "loan":
        return {"type": kind, "member_id": _member(g, rng),
                "principal": _money(rng, 1000, 6000, 1000), "term_months": 2}
    if kind == "repayment":
        return {"type": kind, "loan_id": rng.choice(g.loans) if g.loans else UNKNOWN_ID,
                "amount": _money(rng, 500, 3000)}
    return {"type": kind, "member_id": _member(g, rng), "amount": _money(rng, 200, 1000),
            "reason": "illness"}


def subscription(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("subscription", "POST", _g(g, "subscriptions"), {
        "period": str(world.last_day.year), "amount": _money(rng, 500, 3000),
        "on": world.last_day.isoformat()})


def _transfer(kind: str, tail: str, low: int, high: int) -> Builder:
    def build(world: World, rng: random.Random) -> Plan:
        g = world.group(rng)
        return Plan(kind, "POST", _g(g, tail), {"amount": _money(rng, low, high),
                                                "on": world.day(rng).isoformat()})

    return build


def donor_grant(world: World, rng: random.Random) -> Plan:
    return Plan("donor_grant", "POST", f"/v1/unions/{world.union_id}/relief-fund/grants", {
        "donor": "Red Cross", "amount": _money(rng, 5000, 50000, 1000),
        "on": world.day(rng).isoformat()})


def relief_payout(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("relief_payout", "POST",
                f"/v1/unions/{world.union_id}/hazards/{world.hazard_id}/payouts", {
                    "group_id": g.group_id, "amount": _money(rng, 500, 5000),
                    "on": world.last_day.isoformat()})


def reversal(world: World, rng: random.Random) -> Plan:
    with world.lock:
        target = rng.choice(world.reversible) if world.reversible else None
    if target is None:
        return fine(world, rng)
    book, book_id, event_id = target
    kind = "group_reversal" if book == "groups" else "union_reversal"
    return Plan(kind, "POST", f"/v1/{book}/{book_id}/reversals", {
        "event_id": event_id, "reason": "typed twice", "on": world.last_day.isoformat()})


def join(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("join", "POST", _g(g, "members"), {
        "name": f"Member {rng.randrange(10**6)}", "gender": rng.choice(("female", "male")),
        "joined_on": world.first_day.isoformat()})


# --- requests that can never succeed as written ---------------------------------------

INVALID_AMOUNT = frozenset({"invalid_amount", "validation_error"})


def _invalid_fine(field_value: Any, codes: frozenset[str], **changes: Any) -> Builder:
    def build(world: World, rng: random.Random) -> Plan:
        g = world.group(rng)
        body = {"member_id": _member(g, rng), "amount": field_value, "reason": "late",
                "on": world.last_day.isoformat(), **changes}
        return Plan("invalid_fine", "POST", _g(g, "fines"), body, codes)

    return build


def future_share_purchase(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("invalid_shares", "POST", _g(g, "share-purchases"), {
        "member_id": _member(g, rng), "shares": 1,
        "on": (world.last_day + timedelta(days=60)).isoformat()},
        frozenset({"date_in_future"}))


def early_share_purchase(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("invalid_shares", "POST", _g(g, "share-purchases"), {
        "member_id": _member(g, rng), "shares": 1,
        "on": (world.first_day - timedelta(days=30)).isoformat()},
        frozenset({"date_before_affiliation"}))


def unknown_member(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("invalid_shares", "POST", _g(g, "share-purchases"), {
        "member_id": UNKNOWN_ID, "shares": 1, "on": world.last_day.isoformat()},
        frozenset({"member_not_found"}))


def huge_grant(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("invalid_grant", "POST", _g(g, "social-fund/grants"), {
        "member_id": _member(g, rng), "amount": "999999999999", "reason": "greed",
        "on": world.last_day.isoformat()}, frozenset({"insufficient_social_fund"}))


def long_loan(world: World, rng: random.Random) -> Plan:
    g = world.group(rng)
    return Plan("invalid_loan", "POST", _g(g, "loans"), {
        "member_id": _member(g, rng), "principal": "1000", "term_months": 99,
        "on": world.last_day.isoformat()}, frozenset({"loan_term_exceeded"}))


def unknown_group(world: World, rng: random.Random) -> Plan:
    return Plan("invalid_group", "POST", f"/v1/groups/{UNKNOWN_ID}/enterprise-earnings", {
        "amount": "1000", "description": "eggs", "on": world.last_day.isoformat()},
        frozenset({"group_not_found"}))


VALID: tuple[tuple[Builder, int], ...] = (
    (share_purchase, 14), (contribution, 8), (grant, 3), (loan, 8), (repayment, 8),
    (fine, 5), (earnings, 4), (meeting, 8), (subscription, 3),
    (_transfer("sar_contribution", "sar-contributions", 500, 4000), 4),
    (_transfer("sye_deposit", "sye-deposits", 500, 4000), 3),
    (_transfer("sye_withdrawal", "sye-withdrawals", 200, 2000), 2),
    (donor_grant, 2), (relief_payout, 3), (reversal, 4), (write_off, 1), (cash_count, 1),
    (join, 1),
)
INVALID: tuple[tuple[Builder, int], ...] = (
    (_invalid_fine(500, frozenset({"validation_error"})), 1),  # money as a JSON number
    (_invalid_fine("500.5", INVALID_AMOUNT), 1),  # a decimal UGX does not have
    (_invalid_fine("-500", INVALID_AMOUNT), 1),
    (_invalid_fine("0", INVALID_AMOUNT), 1),
    (_invalid_fine("500", frozenset({"validation_error"}), surprise=True), 1),
    (future_share_purchase, 1), (early_share_purchase, 1), (unknown_member, 1),
    (huge_grant, 1), (long_loan, 1), (unknown_group, 1),
)
INVALID_SHARE = 0.12  # of the requests sent


def choose(world: World, rng: random.Random) -> Plan:
    table = INVALID if rng.random() < INVALID_SHARE else VALID
    builders = [builder for builder, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(builders, weights)[0](world, rng)


def reused_key(previous: Request) -> tuple[Plan, str] | None:
    """The previous booked request's Idempotency-Key with another (valid) body: 409."""
    for name in ("on", "held_on"):
        if name in previous.body:
            day = date.fromisoformat(str(previous.body[name])) - timedelta(days=1)
            body = {**previous.body, name: day.isoformat()}
            plan = Plan("reused_key", previous.method, previous.path, body,
                        frozenset({"idempotency_key_reused"}))
            return plan, previous.idempotency_key
    return None
