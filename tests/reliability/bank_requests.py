"""The bank test's requests: what was asked, what was answered, and the money it moved.

Money is conserved across the whole federation. The cash inside it is every group's two
boxes (loan fund + social fund) and the union's cash (union account 1000); it changes only
by money crossing the federation's edge:

- **in**: shares bought, social-fund contributions, fines and loan repayments (members pay
  the box), enterprise earnings (the group's business pays the box), donor grants to the
  relief fund (a donor pays the union);
- **out**: loans disbursed, social-fund grants, exit settlements (the box pays a member);
- **internal** (no change to the total): subscriptions, SAR contributions, SYE deposits and
  withdrawals and relief payouts (group ↔ union), write-offs, cash counts, joins, hazards;
- a **reversal** moves the exact opposite of the entry it reverses.

So Σ boxes + union cash == Σ in − Σ out over the booked (2xx) requests, counted from their
answers: nothing else may have moved money.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Json = dict[str, Any]

INFLOWS = frozenset({"share_purchase", "social_fund_contribution", "fine", "repayment",
                     "enterprise_earnings", "donor_grant"})
OUTFLOWS = frozenset({"social_fund_grant", "loan"})
# Group ↔ union transfers: the answer names the event on each side.
TRANSFERS = frozenset({"subscription", "sar_contribution", "sye_deposit", "sye_withdrawal",
                       "relief_payout"})
INTERNAL = TRANSFERS | frozenset({"write_off", "cash_count", "join", "hazard"})
REVERSALS = frozenset({"group_reversal", "union_reversal"})


@dataclass
class Request:
    """One logical request; every retry of it sends the same key, id and body."""

    number: int
    kind: str
    method: str
    path: str
    body: Json
    idempotency_key: str
    request_id: str
    refusal_codes: frozenset[str] = frozenset()  # built to be refused with one of these
    attempts: int = 0
    failures: list[str] = field(default_factory=list)  # transport errors and 5xx, in order
    status: int | None = None
    answer: Json | None = None
    resolved_late: bool = False  # answered only by the final pass, after the run

    @property
    def invalid(self) -> bool:
        """Built to be refused: a 2xx is a bug."""
        return bool(self.refusal_codes)

    @property
    def booked(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def refused(self) -> bool:
        return self.status is not None and 400 <= self.status < 500

    @property
    def acknowledged(self) -> bool:
        return self.status is not None

    def answered(self) -> Json:
        if self.answer is None:
            raise ValueError(f"request {self.number} ({self.kind}) has no answer")
        return self.answer


def amount(text: object) -> Decimal:
    return Decimal(str(text))


def event_flows(requests: Iterable[Request]) -> dict[str, Decimal]:
    """The money each booked event moved across the edge, by event id (reversals aside)."""
    flows: dict[str, Decimal] = {}
    for request in requests:
        if not request.booked or request.kind in REVERSALS:
            continue
        answer = request.answered()
        if request.kind == "meeting":
            for result in answer["results"]:
                flows[str(result["id"])] = meeting_entry_flow(result)
        elif request.kind in TRANSFERS:
            for name in ("group_event_id", "union_event_id"):
                flows[str(answer[name])] = Decimal(0)
        elif "id" in answer:
            flows[str(answer["id"])] = simple_flow(request.kind, answer)
    return flows


def simple_flow(kind: str, answer: Json) -> Decimal:
    if kind in INFLOWS:
        return amount(answer["amount"])
    if kind == "loan":
        return -amount(answer["principal"])
    if kind == "social_fund_grant":
        return -amount(answer["amount"])
    if kind == "exit":
        return -amount(answer["settlement"]["net"])
    return Decimal(0)


def meeting_entry_flow(result: Json) -> Decimal:
    kind = result["type"]
    if kind in ("share_purchase", "social_fund_contribution", "fine", "repayment"):
        return amount(result["amount"])
    if kind in ("loan", "social_fund_grant"):
        return -amount(result["amount"])
    return Decimal(0)


def external_total(requests: list[Request]) -> Decimal:
    """Σ in − Σ out over the booked requests (see the module's docstring)."""
    flows = event_flows(requests)
    total = Decimal(0)
    for request in requests:
        if not request.booked:
            continue
        answer = request.answered()
        if request.kind in REVERSALS:
            total -= flows[str(answer["reversed_event_id"])]
        elif request.kind == "meeting":
            total += sum((meeting_entry_flow(r) for r in answer["results"]), Decimal(0))
        elif request.kind not in INTERNAL:
            total += simple_flow(request.kind, answer)
    return total


# Answers that name the new aggregate (or member), not the event that created it.
ANSWERS_AN_AGGREGATE = frozenset({"union", "api_key", "group", "join", "cycle"})


def expected_event_count(request: Request) -> int:
    """How many ledger events one booking of this request records (its idempotency record
    aside): a transfer books one event on each side, a meeting one per entry plus itself,
    a reversal of a transfer one on each side, a group's registration its own and the
    union's affiliation."""
    answer = request.answered()
    if request.kind in TRANSFERS or request.kind == "group":
        return 2
    if request.kind == "meeting":
        return 1 + len(answer["results"])
    if request.kind in REVERSALS:
        return 2 if answer.get("other_side_id") else 1
    return 1


def answered_event_ids(request: Request) -> set[str]:
    """The event ids the answer names, every one of which must be in the store."""
    answer = request.answered()
    if request.kind == "hazard":
        return {str(answer["event_id"])}
    if request.kind in ANSWERS_AN_AGGREGATE:
        return set()
    ids = {str(answer["id"])}
    if request.kind in TRANSFERS:
        ids |= {str(answer["group_event_id"]), str(answer["union_event_id"])}
    if request.kind == "meeting":
        ids |= {str(result["id"]) for result in answer["results"]}
    if request.kind in REVERSALS and answer.get("other_side_id"):
        ids.add(str(answer["other_side_id"]))
    return ids
