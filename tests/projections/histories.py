"""A non-trivial recorded history: a simulated federation, then every kind of correction.

`record_rich_history` runs the simulation (two groups, twenty weekly meetings, one of them
sharing out), then books through the application what the simulation never does: donor
grants and allocations to the relief fund, a policy change, a hazard with payouts (one
reversed on both sides), SAR and SYE transfers and their reversal or withdrawal, loans
repaid, written off and reversed, an exit settling a loan, a new member, a cash count, a
second share-out and new cycles. Dates only move forward, so as-of questions can be
checked against aggregates replayed to a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from domain import group_events as ev
from domain.group import Group
from domain.group_state import Loan
from domain.union import Union
from tests.application.support import META, RULES
from union_ledger.application import LedgerApplication
from union_ledger.group_cases import MeetingEntry
from union_ledger.simulation import simulate
from union_ledger.union_cases import PolicyInput

SIMULATION_END = date(2026, 6, 30)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class RichHistory:
    union_id: UUID
    closed_group: UUID  # shared out at the end of the simulation, then a new cycle
    open_group: UUID  # corrections, an exit, a share-out and a new cycle after it
    hazard_id: UUID
    end_on: date


def record_rich_history(app: LedgerApplication, *, seed: int = 11) -> RichHistory:
    summary = simulate(app, groups=2, weeks=20, seed=seed, end_on=SIMULATION_END,
                       closing_groups=1, members=(6, 9))
    union_id = summary.union_id
    closed_group, open_group = summary.group_ids
    hazard_id = _relief(app, union_id, open_group, date(2026, 7, 1))
    _corrections(app, open_group, date(2026, 7, 7))
    _exit_and_join(app, open_group, date(2026, 7, 28))
    _close_and_restart(app, open_group, date(2026, 8, 11))
    _restart_closed_group(app, closed_group, date(2026, 7, 10))
    return RichHistory(union_id, closed_group, open_group, hazard_id, date(2026, 8, 25))


def _relief(app: LedgerApplication, union_id: UUID, group_id: UUID, on: date) -> UUID:
    """Grant, allocation, policy, transfers, a hazard and payouts, one reversed."""
    app.receive_relief_fund_grant(union_id, "Red Cross", "500000", on=on, meta=META)
    app.allocate_income_to_relief_fund(union_id, "10000", on=on, meta=META)
    app.set_relief_policy(union_id, PolicyInput(
        sar_multiplier=Decimal(3), sye_multiplier=Decimal(1), cap_per_hazard="200000",
        waiting_period_days=0, require_paid_subscriptions=False, effective_on=on,
    ), meta=META)
    app.contribute_sar(group_id, "10000", on=on + DAY, meta=META)
    app.deposit_sye(group_id, "20000", on=on + DAY, meta=META)
    union = app.load_union(union_id)
    affected = [a.group_id for a in union.groups()]
    hazard = app.declare_hazard(union_id, kind="flood", description="river burst its banks",
                                declared_on=on + 2 * DAY, affected_group_ids=affected,
                                meta=META).value
    assert isinstance(hazard, Union.HazardDeclared)
    hazard_id = hazard.hazard_id
    paid = app.pay_relief(union_id, hazard_id, group_id, "30000", on=on + 3 * DAY, meta=META)
    app.reverse_union_entry(union_id, paid.value.union_event.event_id, "paid twice",
                            on=on + 3 * DAY, meta=META)
    app.pay_relief(union_id, hazard_id, group_id, "20000", on=on + 4 * DAY, meta=META)
    app.withdraw_sye(group_id, "5000", on=on + 5 * DAY, meta=META)
    sar = app.contribute_sar(group_id, "5000", on=on + 5 * DAY, meta=META)
    app.reverse_group_entry(group_id, sar.value.group_event.event_id, "wrong amount",
                            on=on + 5 * DAY, meta=META)
    return hazard_id


def _active_without_loan(group: Group) -> list[str]:
    owing = {loan.member_id for loan in group.loans.values() if loan.status == "open"}
    return [m.member_id for m in group.active_members() if m.member_id not in owing]


def _corrections(app: LedgerApplication, group_id: UUID, on: date) -> None:
    """A meeting with a loan, a repayment reversed, a write-off reversed and redone."""
    group = app.load_group(group_id)
    borrower, saver = _active_without_loan(group)[:2]
    attendance = [m.member_id for m in group.active_members()]
    meeting = app.record_meeting(group_id, held_on=on, attendance=attendance, entries=[
        MeetingEntry("share_purchase", member_id=borrower, shares=2),
        MeetingEntry("share_purchase", member_id=saver, shares=3),
        MeetingEntry("loan", member_id=borrower, principal="4000", term_months=1),
        MeetingEntry("fine", member_id=saver, amount="500", reason="late"),
    ], meta=META).value
    loan = meeting.results[2]
    assert isinstance(loan, ev.LoanDisbursed)
    loan_id = loan.loan_id
    repaid = app.repay_loan(group_id, loan_id, "1000", on=on + 7 * DAY, meta=META).value[0]
    app.reverse_group_entry(group_id, repaid.event_id, "wrong loan", on=on + 7 * DAY,
                            meta=META)
    app.repay_loan(group_id, loan_id, "4400", on=on + 14 * DAY, meta=META)
    bad = _a_loan_to_write_off(app, group_id, on + 14 * DAY)
    written = app.write_off_loan(group_id, bad.loan_id, "moved away", on=on + 14 * DAY,
                                 meta=META).value
    app.reverse_group_entry(group_id, written.event_id, "came back", on=on + 14 * DAY,
                            meta=META)
    app.write_off_loan(group_id, bad.loan_id, "left again", on=on + 14 * DAY, meta=META)


def _a_loan_to_write_off(app: LedgerApplication, group_id: UUID, on: date) -> Loan:
    """An open loan of the group; one is lent first when none is open."""
    group = app.load_group(group_id)
    loans = _open_loans(group)
    if loans:
        return loans[0]
    member = _active_without_loan(group)[0]
    app.buy_shares(group_id, member, 5, on=on, meta=META)
    app.disburse_loan(group_id, member, "6000", 2, on=on, meta=META)
    return _open_loans(app.load_group(group_id))[0]


def _open_loans(group: Group) -> list[Loan]:
    return sorted((x for x in group.loans.values() if x.status == "open"),
                  key=lambda x: x.loan_id)


def _exit_and_join(app: LedgerApplication, group_id: UUID, on: date) -> None:
    """A member leaves with a loan settled from savings; a new member joins and saves."""
    group = app.load_group(group_id)
    cycle = group.open_cycle
    assert cycle is not None
    leaver = next(
        (x.member_id for x in _open_loans(group)
         if x.outstanding <= cycle.savings_of(x.member_id)),
        _active_without_loan(group)[0],
    )
    app.exit_member(group_id, leaver, on=on, meta=META)
    newcomer = app.join_member(group_id, name="Atim", gender="female", joined_on=on,
                               meta=META).value.member_id
    group = app.load_group(group_id)
    app.record_meeting(group_id, held_on=on + 7 * DAY,
                       attendance=[m.member_id for m in group.active_members()][:-1],
                       entries=[MeetingEntry("share_purchase", member_id=newcomer, shares=4)],
                       meta=META)
    app.contribute_social_fund(group_id, newcomer, RULES.social_fund_contribution,
                               on=on + 7 * DAY, meta=META)
    app.pay_social_fund_grant(group_id, newcomer, "500", "illness", on=on + 7 * DAY,
                              meta=META)
    group = app.load_group(group_id)
    app.count_cash(group_id, group.loan_fund_cash.amount, group.social_fund_cash.amount,
                   on=on + 7 * DAY, meta=META)


def _close_and_restart(app: LedgerApplication, group_id: UUID, on: date) -> None:
    """Collect every loan, share out, and start the next cycle with a first meeting."""
    for loan in _open_loans(app.load_group(group_id)):
        app.repay_loan(group_id, loan.loan_id, loan.outstanding.amount, on=on, meta=META)
    app.share_out(group_id, on=on, meta=META)
    _new_cycle(app, group_id, on + 7 * DAY)


def _restart_closed_group(app: LedgerApplication, group_id: UUID, on: date) -> None:
    """Earnings between cycles (reversed once the cycle runs), then a new cycle."""
    earned = app.record_enterprise_earnings(group_id, "30000", "harvest", on=on,
                                            meta=META).value
    _new_cycle(app, group_id, on + 3 * DAY)
    app.reverse_group_entry(group_id, earned.event_id, "double entry", on=on + 10 * DAY,
                            meta=META)


def _new_cycle(app: LedgerApplication, group_id: UUID, on: date) -> None:
    app.start_cycle(group_id, RULES, started_on=on, meta=META)
    group = app.load_group(group_id)
    members = [m.member_id for m in group.active_members()]
    app.record_meeting(group_id, held_on=on + 7 * DAY, attendance=members, entries=[
        MeetingEntry("share_purchase", member_id=member, shares=1 + index % 5)
        for index, member in enumerate(members)
    ], meta=META)
