"""Decides one simulated meeting sheet from the group's state, always within its rules."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from domain import group_events as ev
from domain.group import Group
from domain.group_state import Cycle, Loan, add_months
from domain.money import Money
from union_ledger.group_cases import MeetingEntry
from union_ledger.simulation_names import FINE_REASONS, GRANT_REASONS

BORROW_RATE = 0.12  # chance an attending member without a loan asks for one
FINE_RATE = 0.02  # chance per attending member of a fine
GRANT_RATE = 0.03  # chance per meeting of a social-fund grant
FINES = (500, 1000)
GRANTS = (20_000, 30_000, 50_000)
LOAN_STEP = 5_000  # loans are asked in round amounts
LOAN_MIN = 10_000
CASH_RESERVE = 60_000  # loans leave this in the box for the union dues of the day
INSTALMENT_STEP = 500
INSTALMENT_DAYS = 28
WRITE_OFF_AFTER = timedelta(weeks=8)  # a defaulted loan is written off this long past due
LENDING_STOPS_BEFORE_CLOSE = timedelta(weeks=4)
BEHAVIOURS = (("on_time", 0.82), ("late", 0.15), ("default", 0.03))


@dataclass
class MemberProfile:
    """How one simulated member tends to behave."""

    member_id: str
    attendance_rate: float
    usual_shares: int


@dataclass
class LoanPlan:
    """How a borrower will repay: on time, late, or not at all (then written off)."""

    loan_id: str
    member_id: str
    behaviour: str
    instalment: int
    due_on: date
    next_payment_on: date
    payments_left: int


@dataclass
class GroupSim:
    """What the generator remembers about one group between meetings."""

    group_id: UUID
    enterprise: str
    affiliated_on: date
    members: list[MemberProfile]
    loans: dict[str, LoanPlan] = field(default_factory=dict)
    paid_periods: set[str] = field(default_factory=set)
    closes_on: date | None = None  # the meeting that ends the open cycle with a share-out
    last_sar_month: tuple[int, int] | None = None


@dataclass
class MeetingPlan:
    """A meeting sheet, the loan-fund cash it leaves, and the loans it opens and closes."""

    attendance: list[str]
    entries: list[MeetingEntry] = field(default_factory=list)
    cash: int = 0
    closed_loans: list[str] = field(default_factory=list)
    new_loans: dict[str, str] = field(default_factory=dict)  # member → behaviour


def whole(money: Money) -> int:
    """A UGX amount (the currency has no minor unit) as a whole number."""
    return int(money.amount)


def round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def plan_meeting(rng: random.Random, group: Group, sim: GroupSim, on: date) -> MeetingPlan:
    """The sheet of the meeting on `on`: nothing on it can be refused by the group."""
    cycle = group.open_cycle
    if cycle is None:
        raise RuntimeError(f"group {group.name} has no open cycle on {on}")
    closing = sim.closes_on == on
    active = [p for p in sim.members if group.members[p.member_id].is_active]
    attendance = [p.member_id for p in active if closing or rng.random() < p.attendance_rate]
    plan = MeetingPlan(attendance, cash=whole(group.loan_fund_cash))
    shares = _buy_shares(rng, cycle, active, plan)
    _charge_fines(rng, plan)
    _pay_grant(rng, plan, whole(group.social_fund_cash) + len(attendance) * whole(
        cycle.social_fund_contribution))
    borrowers = {loan.member_id for loan in sim.loans.values()}
    for loan_plan in list(sim.loans.values()):
        _repay(loan_plan, group.loans[loan_plan.loan_id], on, closing, plan)
    lending_open = sim.closes_on is None or on < sim.closes_on - LENDING_STOPS_BEFORE_CLOSE
    if lending_open:
        _lend(rng, cycle, shares, borrowers, on, sim.closes_on, plan)
    return plan


def _buy_shares(
    rng: random.Random, cycle: Cycle, active: list[MemberProfile], plan: MeetingPlan
) -> dict[str, int]:
    """Shares and the social fund for every attendee; returns shares held after them."""
    shares = dict(cycle.shares)
    share_value = whole(cycle.share_value)
    usual = {p.member_id: p.usual_shares for p in active}
    for member_id in plan.attendance:
        bought = usual[member_id] + rng.choice((-1, 0, 0, 0, 1))
        bought = max(cycle.min_shares, min(cycle.max_shares, bought))
        plan.entries.append(MeetingEntry("share_purchase", member_id, shares=bought))
        plan.entries.append(MeetingEntry(
            "social_fund_contribution", member_id,
            amount=whole(cycle.social_fund_contribution)))
        shares[member_id] = shares.get(member_id, 0) + bought
        plan.cash += bought * share_value
    return shares


def _charge_fines(rng: random.Random, plan: MeetingPlan) -> None:
    for member_id in plan.attendance:
        if rng.random() < FINE_RATE:
            amount = rng.choice(FINES)
            plan.entries.append(MeetingEntry(
                "fine", member_id, amount=amount, reason=rng.choice(FINE_REASONS)))
            plan.cash += amount


def _pay_grant(rng: random.Random, plan: MeetingPlan, social_fund_cash: int) -> None:
    if not plan.attendance or rng.random() >= GRANT_RATE:
        return
    amount = rng.choice(GRANTS)
    if amount <= social_fund_cash:
        plan.entries.append(MeetingEntry(
            "social_fund_grant", rng.choice(plan.attendance), amount=amount,
            reason=rng.choice(GRANT_REASONS)))


def _repay(loan_plan: LoanPlan, loan: Loan, on: date, closing: bool, plan: MeetingPlan) -> None:
    """Book what this borrower pays today; write the loan off once it is given up on."""
    outstanding = whole(loan.outstanding)
    present = loan_plan.member_id in plan.attendance
    given_up = closing or on >= loan_plan.due_on + WRITE_OFF_AFTER
    if loan_plan.behaviour == "default" and given_up:
        plan.entries.append(MeetingEntry(
            "write_off", loan_id=loan_plan.loan_id,
            reason="borrower stopped attending and cannot be traced"))
        plan.closed_loans.append(loan_plan.loan_id)
        return
    due = present and on >= loan_plan.next_payment_on and loan_plan.payments_left > 0
    if not (closing or due):
        return
    last = closing or outstanding <= loan_plan.instalment or (
        loan_plan.behaviour != "default" and loan_plan.payments_left == 1)
    amount = outstanding if last else loan_plan.instalment
    plan.entries.append(MeetingEntry("repayment", loan_id=loan_plan.loan_id, amount=amount))
    plan.cash += amount
    loan_plan.payments_left -= 1
    loan_plan.next_payment_on = on + timedelta(days=INSTALMENT_DAYS)
    if amount == outstanding:
        plan.closed_loans.append(loan_plan.loan_id)


def _lend(
    rng: random.Random, cycle: Cycle, shares: dict[str, int], borrowers: set[str], on: date,
    closes_on: date | None, plan: MeetingPlan,
) -> None:
    """Loans to attendees who ask: within the multiple of savings, the term and the cash."""
    share_value = whole(cycle.share_value)
    for member_id in plan.attendance:
        if member_id in borrowers or rng.random() >= BORROW_RATE:
            continue
        terms = [t for t in range(1, cycle.max_term_months + 1)
                 if closes_on is None or add_months(on, t) < closes_on]
        limit = int(shares.get(member_id, 0) * share_value * cycle.max_loan_multiple)
        asked = int(limit * rng.uniform(0.5, 1.0)) // LOAN_STEP * LOAN_STEP
        available = (plan.cash - CASH_RESERVE) // LOAN_STEP * LOAN_STEP
        principal = min(asked, available)
        if not terms or principal < LOAN_MIN:
            continue
        term = rng.choice(terms)
        plan.entries.append(MeetingEntry(
            "loan", member_id, principal=principal, term_months=term))
        plan.new_loans[member_id] = _behaviour(rng)
        plan.cash -= principal


def _behaviour(rng: random.Random) -> str:
    draw = rng.random()
    for behaviour, weight in BEHAVIOURS:
        if draw < weight:
            return behaviour
        draw -= weight
    return BEHAVIOURS[0][0]


def remember(
    rng: random.Random, sim: GroupSim, plan: MeetingPlan, results: list[ev.MoneyEvent]
) -> None:
    """After the meeting is booked: forget closed loans, plan how new ones are repaid."""
    for loan_id in plan.closed_loans:
        del sim.loans[loan_id]
    for event in results:
        if isinstance(event, ev.LoanDisbursed):
            sim.loans[event.loan_id] = _loan_plan(rng, event, plan.new_loans[event.member_id])


def _loan_plan(rng: random.Random, event: ev.LoanDisbursed, behaviour: str) -> LoanPlan:
    due = whole(event.principal) + whole(event.service_charge)
    term = event.term_months
    # A borrower who defaults pays a part of the first instalment, then nothing more.
    parts = term + 2 if behaviour == "default" else term
    instalment = round_up(round_up(due, parts) // parts, INSTALMENT_STEP)
    delay = timedelta(weeks=rng.randint(3, 10)) if behaviour == "late" else timedelta(0)
    payments = 1 if behaviour == "default" else term
    return LoanPlan(
        loan_id=event.loan_id, member_id=event.member_id, behaviour=behaviour,
        instalment=instalment, due_on=event.due_on,
        next_payment_on=event.on + timedelta(days=INSTALMENT_DAYS) + delay,
        payments_left=payments,
    )
