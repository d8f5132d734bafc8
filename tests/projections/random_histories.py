"""Random histories for property tests: commands, valid or not, through the application.

A history is a list of steps `(kind, number, days)`: `kind` names a command, `number`
picks its target (a group, member, loan or earlier entry) and its amount, and `days` moves
the business date forward (never back), so every group's dates follow recording order.
A refused command books nothing and the history goes on, as a real client's would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import strategies as st

from domain import group_events as ev
from domain.errors import DomainError
from domain.union import Union
from tests.application.support import META, RULES, build_app, register_union
from union_ledger.application import LedgerApplication
from union_ledger.union_cases import PolicyInput, Transfer

START = date(2026, 1, 5)
Step = tuple[str, int, int]

KINDS = (
    "shares", "shares", "shares", "social", "grant", "loan", "loan", "repay", "repay",
    "write_off", "fine", "earn", "meeting", "sar", "sye", "sye_out", "subscription",
    "reverse", "reverse", "reverse_union", "exit", "join", "share_out", "start_cycle",
    "hazard", "payout", "relief_grant", "allocate", "cash_count",
)

steps = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 10**6), st.integers(0, 3)),
    min_size=5, max_size=45,
)


class NoTarget(Exception):
    """The step names a loan, entry or hazard when none was recorded yet: a no-op."""


@dataclass
class History:
    """What was recorded, for choosing targets and for checking the read models."""

    app: LedgerApplication
    union_id: UUID
    group_ids: list[UUID]
    on: date = START
    loans: list[tuple[UUID, str]] = field(default_factory=list)
    group_entries: list[tuple[UUID, UUID]] = field(default_factory=list)
    union_entries: list[UUID] = field(default_factory=list)
    hazards: list[UUID] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    refused: int = 0

    def group(self, number: int) -> UUID:
        return self.group_ids[number % len(self.group_ids)]

    def member(self, group_id: UUID, number: int) -> str:
        members = sorted(self.app.load_group(group_id).members)
        return members[(number // 7) % len(members)]


def start_history(env: dict[str, str]) -> History:
    """A union with a relief policy paying from day one, and two groups, each with
    members who have saved, earnings, an open cycle and a SAR contribution; then a hazard
    affecting both, so payouts can follow."""
    app = build_app(env)
    union_id = register_union(app)
    app.set_relief_policy(union_id, PolicyInput(
        sar_multiplier=Decimal(3), sye_multiplier=Decimal(1), cap_per_hazard=None,
        waiting_period_days=0, require_paid_subscriptions=False, effective_on=START,
    ), meta=META)
    app.receive_relief_fund_grant(union_id, "donor", "100000", on=START, meta=META)
    history = History(app, union_id, [])
    for name, genders in (("Tusubira", ("female", "male", "female")), ("Kica", ("male",))):
        group_id = app.register_group(union_id, name=name, enterprise="goats",
                                      locality="Gulu", affiliated_on=START, meta=META).value.id
        app.record_enterprise_earnings(group_id, "40000", "sales", on=START, meta=META)
        app.start_cycle(group_id, RULES, started_on=START, meta=META)
        for index, gender in enumerate(genders):
            member = app.join_member(group_id, name=f"{name} {index}", gender=gender,
                                     joined_on=START, meta=META).value.member_id
            app.buy_shares(group_id, member, 3, on=START, meta=META)
        app.contribute_sar(group_id, "2000", on=START, meta=META)
        history.group_ids.append(group_id)
    remember(history, app.declare_hazard(
        union_id, kind="drought", description="no rain", declared_on=START,
        affected_group_ids=history.group_ids, meta=META).value)
    history.dates.append(START)
    return history


def play(history: History, step: Step) -> None:
    """One step: move the date, run the command, remember what it recorded."""
    kind, number, days = step
    history.on += timedelta(days=days)
    history.dates.append(history.on)
    try:
        value = COMMANDS[kind](history, number)
    except (DomainError, NoTarget):
        history.refused += 1
        return
    remember(history, value)


def remember(history: History, value: Any) -> None:
    if isinstance(value, tuple):  # a repayment answers (event, outstanding)
        value = value[0]
    if isinstance(value, Transfer):
        history.group_entries.append((value.group_event.originator_id,
                                      value.group_event.event_id))
        history.union_entries.append(value.union_event.event_id)
    elif isinstance(value, ev.MoneyEvent):
        history.group_entries.append((value.originator_id, value.event_id))
        if isinstance(value, ev.LoanDisbursed):
            history.loans.append((value.originator_id, value.loan_id))
    elif isinstance(value, Union.HazardDeclared):
        history.hazards.append(value.hazard_id)
    elif isinstance(value, Union.ReliefFundGrantReceived | Union.IncomeAllocatedToReliefFund):
        history.union_entries.append(value.event_id)


def amount(number: int, step: int, steps_max: int = 10) -> str:
    return str(step * (1 + number % steps_max))


def _loan(history: History, number: int) -> tuple[UUID, str]:
    if not history.loans:
        raise NoTarget("no loan yet")
    return history.loans[number % len(history.loans)]


def _reverse(history: History, number: int) -> object:
    if not history.group_entries:
        raise NoTarget("nothing to reverse yet")
    group_id, event_id = history.group_entries[number % len(history.group_entries)]
    return history.app.reverse_group_entry(group_id, event_id, "typing error",
                                           on=history.on, meta=META).value


def _reverse_union(history: History, number: int) -> object:
    if not history.union_entries:
        raise NoTarget("nothing to reverse yet")
    event_id = history.union_entries[number % len(history.union_entries)]
    return history.app.reverse_union_entry(history.union_id, event_id, "typing error",
                                           on=history.on, meta=META).value


def _payout(history: History, number: int) -> object:
    if not history.hazards:
        raise NoTarget("no hazard yet")
    return history.app.pay_relief(
        history.union_id, history.hazards[number % len(history.hazards)],
        history.group(number), amount(number, 1000), on=history.on, meta=META).value


def _meeting(history: History, number: int) -> object:
    group_id = history.group(number)
    members = sorted(history.app.load_group(group_id).active_members(),
                     key=lambda m: m.member_id)
    attendance = [m.member_id for index, m in enumerate(members) if number >> index & 1]
    return history.app.record_meeting(group_id, held_on=history.on, attendance=attendance,
                                      entries=[], meta=META).value


def _cash_count(history: History, number: int) -> object:
    group = history.app.load_group(history.group(number))
    return history.app.count_cash(group.id, group.loan_fund_cash.amount,
                                  group.social_fund_cash.amount, on=history.on, meta=META)


Command = Callable[[History, int], object]

COMMANDS: dict[str, Command] = {
    "shares": lambda h, n: h.app.buy_shares(
        h.group(n), h.member(h.group(n), n), 1 + n % 5, on=h.on, meta=META).value,
    "social": lambda h, n: h.app.contribute_social_fund(
        h.group(n), h.member(h.group(n), n), "500", on=h.on, meta=META).value,
    "grant": lambda h, n: h.app.pay_social_fund_grant(
        h.group(n), h.member(h.group(n), n), amount(n, 200), "illness", on=h.on,
        meta=META).value,
    "loan": lambda h, n: h.app.disburse_loan(
        h.group(n), h.member(h.group(n), n), amount(n, 500), 1 + n % 3, on=h.on,
        meta=META).value,
    "repay": lambda h, n: h.app.repay_loan(
        *_loan(h, n), amount(n, 700), on=h.on, meta=META).value,
    "write_off": lambda h, n: h.app.write_off_loan(
        *_loan(h, n), "left the village", on=h.on, meta=META).value,
    "fine": lambda h, n: h.app.charge_fine(
        h.group(n), h.member(h.group(n), n), amount(n, 100), "late", on=h.on, meta=META).value,
    "earn": lambda h, n: h.app.record_enterprise_earnings(
        h.group(n), amount(n, 3000), "sales", on=h.on, meta=META).value,
    "meeting": _meeting,
    "sar": lambda h, n: h.app.contribute_sar(
        h.group(n), amount(n, 1000), on=h.on, meta=META).value,
    "sye": lambda h, n: h.app.deposit_sye(h.group(n), amount(n, 2000), on=h.on, meta=META).value,
    "sye_out": lambda h, n: h.app.withdraw_sye(
        h.group(n), amount(n, 1000), on=h.on, meta=META).value,
    "subscription": lambda h, n: h.app.pay_subscription(
        h.group(n), "2026", amount(n, 4000, 3), on=h.on, meta=META).value,
    "reverse": _reverse,
    "reverse_union": _reverse_union,
    "exit": lambda h, n: h.app.exit_member(
        h.group(n), h.member(h.group(n), n), on=h.on, meta=META).value,
    "join": lambda h, n: h.app.join_member(
        h.group(n), name=f"Member {n}", gender=("female", "male", "other")[n % 3],
        joined_on=h.on, meta=META).value,
    "share_out": lambda h, n: h.app.share_out(h.group(n), on=h.on, meta=META).value,
    "start_cycle": lambda h, n: h.app.start_cycle(
        h.group(n), RULES, started_on=h.on, meta=META).value,
    "hazard": lambda h, n: h.app.declare_hazard(
        h.union_id, kind="flood", description="rains", declared_on=h.on,
        affected_group_ids=h.group_ids[: 1 + n % 2], meta=META).value,
    "payout": _payout,
    "relief_grant": lambda h, n: h.app.receive_relief_fund_grant(
        h.union_id, "donor", amount(n, 10000), on=h.on, meta=META).value,
    "allocate": lambda h, n: h.app.allocate_income_to_relief_fund(
        h.union_id, amount(n, 500), on=h.on, meta=META).value,
    "cash_count": _cash_count,
}
