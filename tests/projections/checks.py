"""Read models checked against the aggregates themselves and the posting rules' fold."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.group import Group
from domain.group_state import Loan
from domain.indicators import PAR_DAYS, IndicatorInputs
from domain.money import Money, minor_unit
from domain.union import Union
from projections import queries
from projections.codec import minor
from projections.store import Cursor
from tests.projections.support import events_of, journal_nets, loans_ever, replay_until
from union_ledger.application import LedgerApplication

GROUP_BALANCES = ("loan_fund_cash", "social_fund_cash", "loans_outstanding", "member_savings",
                  "surplus", "sar_standing", "sye_balance")


def text_to_minor(text: str, currency: str) -> int:
    return int(Decimal(text).scaleb(minor_unit(currency)))


def check_group_row(cursor: Cursor, group: Group) -> None:
    """rm_groups holds the live aggregate's figures."""
    row = cursor.fetchone(
        f"SELECT members_count, women_count, cycle_surplus, {', '.join(GROUP_BALANCES)} "
        "FROM rm_groups WHERE group_id = ?", (str(group.id),))
    assert row is not None
    active = group.active_members()
    cycle_surplus = group.surplus - group.retained_surplus
    expected = (len(active), sum(m.gender == "female" for m in active), minor(cycle_surplus),
                *(minor(getattr(group, name)) for name in GROUP_BALANCES))
    assert row == expected
    # Today's balances take the SAR standing from this row; the books (the SAR postings,
    # share-outs' closing entries left out) must give the same figure.
    today = queries.group_balances(cursor, str(group.id), None)
    from_books = queries.group_balances(cursor, str(group.id), date.max)
    assert today is not None and from_books is not None
    assert today["balances"] == from_books["balances"]
    assert today["balances"]["sar_standing"] == group.sar_standing.to_json()


def check_members_and_statements(cursor: Cursor, group: Group) -> None:
    """Each member's balances, and the running balances of their statement's last line."""
    cycle = group.open_cycle
    for member in group.members.values():
        savings = minor(cycle.savings_of(member.member_id)) if cycle else 0
        owed = sum(minor(x.outstanding) for x in group.loans.values()
                   if x.member_id == member.member_id and x.status == "open")
        row = cursor.fetchone(
            "SELECT savings, loan_outstanding, exited_on FROM rm_members "
            "WHERE group_id = ? AND member_id = ?", (str(group.id), member.member_id))
        exited = member.exited_on.isoformat() if member.exited_on else None
        assert row == (savings, owed, exited)
        last = cursor.fetchone(
            "SELECT savings_balance, loan_balance FROM rm_statement WHERE group_id = ? "
            "AND member_id = ? ORDER BY position DESC, line DESC LIMIT 1",
            (str(group.id), member.member_id))
        assert last is None or last == (savings, owed)


def check_loans_and_cycles(cursor: Cursor, group: Group, loans: dict[str, Loan]) -> None:
    """Loan rows and movements, and each cycle's lending statistics under reversals;
    `loans`: every loan the group ever held (`loans_ever`)."""
    for loan in loans.values():
        owed = minor(loan.outstanding) if loan.status == "open" else 0
        row = cursor.fetchone(
            "SELECT l.status, l.outstanding, l.written_off, l.closed_on IS NULL, "
            "SUM(m.outstanding_change), SUM(m.written_off_change) FROM rm_loans l "
            "JOIN rm_loan_movements m ON m.group_id = l.group_id AND m.loan_id = l.loan_id "
            "WHERE l.group_id = ? AND l.loan_id = ? GROUP BY l.status, l.outstanding, "
            "l.written_off, l.closed_on", (str(group.id), loan.loan_id))
        assert row == (loan.status, owed, minor(loan.written_off), loan.status == "open",
                       owed, minor(loan.written_off))
    for cycle in group.cycles:
        lent = [x for x in loans.values()
                if x.cycle_number == cycle.number and x.status != "reversed"]
        row = cursor.fetchone(
            "SELECT disbursed, loans_count, written_off FROM rm_cycles "
            "WHERE group_id = ? AND cycle_number = ?", (str(group.id), cycle.number))
        assert row == (sum(minor(x.principal) for x in lent), len(lent),
                       sum(minor(x.written_off) for x in lent))


def check_books(cursor: Cursor, app: LedgerApplication, book_id: UUID, as_of: date | None) -> None:
    """The trial balance balances and equals the fold of the events' journal entries."""
    record = queries.trial_balance(cursor, str(book_id), as_of)
    assert record is not None
    currency = record["currency"]
    assert record["total_debit"] == record["total_credit"]
    nets = {a["code"]: text_to_minor(a["debit"], currency) - text_to_minor(a["credit"], currency)
            for a in record["accounts"]}
    folded = journal_nets(events_of(app, book_id), as_of)
    assert {k: v for k, v in nets.items() if v} == {k: v for k, v in folded.items() if v}


def check_union(cursor: Cursor, union: Union) -> None:
    """Union totals, subscriptions per period and every entitlement term."""
    row = cursor.fetchone(
        "SELECT groups_count, relief_fund_balance, sye_liability, "
        "subscriptions_received_total FROM rm_unions WHERE union_id = ?", (str(union.id),))
    assert row == (len(union.affiliations), minor(union.relief_fund_balance()),
                   minor(union.sye_liability()), minor(union.subscriptions_received_total()))
    for paying_group, periods in union.subscription_payments.items():
        for period, movements in periods.items():
            paid = sum(minor(m.amount) for m in movements)
            found = cursor.fetchone(
                "SELECT paid FROM rm_subscriptions WHERE union_id = ? AND group_id = ? "
                "AND period = ?", (str(union.id), paying_group, period))
            assert found == (paid,)
    for hazard in union.hazards.values():
        for group_id in hazard.affected_group_ids:
            e = union.entitlement(hazard.hazard_id, group_id)
            found = cursor.fetchone(
                "SELECT eligible, sar_standing, sye_balance, base, paid, entitlement "
                "FROM rm_entitlements WHERE hazard_id = ? AND group_id = ?",
                (str(hazard.hazard_id), str(group_id)))
            assert found == (int(e.eligible), minor(e.sar_standing), minor(e.sye_balance),
                             minor(e.base), minor(e.paid), minor(e.entitlement))


def check_union_as_of(cursor: Cursor, union: Union, as_of: date) -> None:
    """The union's balances as of a date equal its own dated movements."""
    record = queries.trial_balance(cursor, str(union.id), as_of)
    assert record is not None
    credit = {a["code"]: text_to_minor(a["credit"], union.currency)
              - text_to_minor(a["debit"], union.currency) for a in record["accounts"]}
    assert credit.get("3000", 0) == minor(union.relief_fund_balance(as_of))
    assert credit.get("2000", 0) == minor(union.sye_liability(as_of))
    assert credit.get("4000", 0) == minor(union.unallocated_income(as_of))


def check_group_as_of(
    cursor: Cursor, app: LedgerApplication, group_id: UUID, as_of: date
) -> None:
    """Balances and indicator inputs as of a date equal the group replayed to that date."""
    events = events_of(app, group_id)
    then: Group = replay_until(events, as_of)
    record = queries.group_balances(cursor, str(group_id), as_of)
    assert record is not None
    assert record["balances"] == {name: getattr(then, name).to_json() for name in GROUP_BALANCES}
    cycle = then.open_cycle
    for line in record["members"]:
        member_id = line["member_id"]
        savings = cycle.savings_of(member_id) if cycle else then.zero
        owed = sum((x.outstanding for x in then.loans.values()
                    if x.member_id == member_id and x.status == "open"), then.zero)
        assert (line["savings"], line["loan_outstanding"]) == (savings.to_json(), owed.to_json())
    assert queries.indicator_inputs(cursor, str(group_id), as_of) == expected_inputs(
        then, as_of, loans_ever(events, as_of))


def expected_inputs(group: Group, as_of: date, loans: dict[str, Loan]) -> IndicatorInputs:
    """Indicator inputs computed from an aggregate and every loan it held (`loans_ever`;
    attendance aside: taken as found)."""
    cycle = group.cycles[-1] if group.cycles else None
    lent = [x for x in loans.values()
            if cycle is not None and x.cycle_number == cycle.number and x.status != "reversed"]
    open_loans = [x for x in group.loans.values() if x.status == "open"]
    late_before = as_of - timedelta(days=PAR_DAYS)

    def total(amounts: list[Money]) -> Decimal:
        return sum((m.amount for m in amounts), Decimal(0))

    active = group.active_members()
    return IndicatorInputs(
        members=len(active), women=sum(m.gender == "female" for m in active),
        attendees=ANY, attendance_possible=ANY,
        members_at_start=ANY, exits=ANY,
        savings=group.member_savings.amount, loans_outstanding_count=len(open_loans),
        loans_outstanding=total([x.outstanding for x in open_loans]),
        late_over_30_days=total([x.outstanding for x in open_loans if x.due_on < late_before]),
        loan_fund_cash=group.loan_fund_cash.amount,
        social_fund_cash=group.social_fund_cash.amount, sye_deposits=group.sye_balance.amount,
        disbursed=total([x.principal for x in lent]), loans_disbursed_count=len(lent),
        written_off=total([x.written_off for x in lent]),
        surplus=(group.surplus - group.retained_surplus).amount,
        days_since_cycle_start=max((as_of - cycle.started_on).days, 0) if cycle else 0,
    )


class _Any:
    """Equal to anything: for inputs this check does not derive from the aggregate."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


ANY: Any = _Any()
