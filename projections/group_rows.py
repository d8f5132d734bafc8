"""Group read models: members, statement lines, loans, meetings, cycle statistics, balances."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from domain import group_events as gev
from domain.group import Group
from domain.group_state import EntryRecord, Loan
from domain.ledger import LedgerAggregate, event_id_text
from domain.money import Money, minor_unit
from projections.codec import iso, minor, text, to_json
from projections.store import Cursor

MEMBER_KINDS = {
    "share_purchase": "Shares bought",
    "social_fund_contribution": "Social fund contribution",
    "social_fund_grant": "Social fund grant received",
    "loan_disbursed": "Loan disbursed (principal + service charge)",
    "loan_repaid": "Loan repayment",
    "loan_written_off": "Loan written off",
    "fine": "Fine paid",
}


# (group id, member id) → [social fund, fines] a batch adds to the member's row: written
# with the member's other figures by `flush`, one row per member per batch.
MemberPaid = dict[tuple[str, str], list[int]]


def on_event(cursor: Cursor, position: int, event: LedgerAggregate.Event, group: Group,
             paid: MemberPaid, open_before: Mapping[str, Loan] | None = None) -> None:
    """Write the rows `event` changes; `group` is the state right after it, `open_before`
    the group's open loans right before it (a share-out settles them, and moves its
    cycle's loans out of the group's state)."""
    gid = text(group.id)
    if isinstance(event, gev.MemberJoined):
        cursor.execute(
            "INSERT INTO rm_members (member_id, group_id, name, gender, joined_on, exited_on, "
            "shares, savings, loan_outstanding, social_fund_paid, fines_paid, exited_in_cycle) "
            "VALUES (?, ?, ?, ?, ?, NULL, 0, 0, 0, 0, 0, NULL)",
            (event.member_id, gid, event.name, event.gender, event.on.isoformat()),
        )
    elif isinstance(event, gev.MeetingHeld):
        cycle = group.open_cycle
        cursor.execute(
            "INSERT INTO rm_meetings (group_id, held_on, meeting_id, cycle_number, attendees, "
            "active_members) VALUES (?, ?, ?, ?, ?, ?)",
            (gid, event.on.isoformat(), event.meeting_id, cycle.number if cycle else 0,
             len(event.attendance), len(group.active_members())),
        )
    elif isinstance(event, gev.CycleStarted):
        _cycle_started(cursor, event, group)
    elif isinstance(event, gev.MemberExited):
        _member_exited(cursor, position, event, group)
    elif isinstance(event, gev.MoneyEvent):
        _money(cursor, position, event, event.record(), group, paid, sign=1)
    elif isinstance(event, gev.EntryReversed):
        _money(cursor, position, event, event.reversed, group, paid, sign=-1)
    elif isinstance(event, gev.CycleSharedOut):
        _shared_out(cursor, position, event, group, open_before or {})


def _cycle_started(cursor: Cursor, event: gev.CycleStarted, group: Group) -> None:
    members = group.active_members()
    cursor.execute(
        "INSERT INTO rm_cycles (group_id, cycle_number, started_on, closed_on, "
        "members_at_start, women_at_start, men_at_start, exits, disbursed, loans_count, "
        "written_off, service_charge_rate, share_value) "
        "VALUES (?, ?, ?, NULL, ?, ?, ?, 0, 0, 0, 0, ?, ?)",
        (text(group.id), event.number, event.on.isoformat(), len(members),
         sum(1 for m in members if m.gender == "female"),
         sum(1 for m in members if m.gender == "male"),
         str(event.service_charge_rate_monthly), minor(event.share_value)),
    )


def _cycle_add(cursor: Cursor, group: Group, cycle_number: int, column: str, amount: int) -> None:
    cursor.execute(
        f"UPDATE rm_cycles SET {column} = {column} + ? WHERE group_id = ? AND cycle_number = ?",
        (amount, text(group.id), cycle_number),
    )


def _member_exited(
    cursor: Cursor, position: int, event: gev.MemberExited, group: Group
) -> None:
    settlement = event.settlement
    cycle = group.open_cycle
    if cycle is not None:  # an exit between cycles is no drop-out of either
        _cycle_add(cursor, group, cycle.number, "exits", 1)
        cursor.execute(
            "UPDATE rm_members SET exited_in_cycle = ? WHERE group_id = ? AND member_id = ?",
            (cycle.number, text(group.id), settlement.member_id),
        )
    _statement(cursor, position, 0, event, group, settlement.member_id, "exit",
               f"Exit settlement: savings {settlement.savings.amount} less loan "
               f"{settlement.loan_deducted.amount}", settlement.net, -settlement.shares)
    for loan_id in event.loan_ids:
        _settle_loan(cursor, position, group, group.loans[loan_id], event)


def _money(
    cursor: Cursor, position: int, event: LedgerAggregate.Event,
    record: EntryRecord, group: Group, paid: MemberPaid, sign: int,
) -> None:
    amount = record.amount if sign > 0 else -record.amount
    if record.loan_id is not None:
        loan = group.loans[record.loan_id]
        _loan_statistics(cursor, group, loan, record, sign)
        _loan_movement(cursor, position, group, loan, event, *_loan_changes(record, sign))
        _loan_row(cursor, group, loan, event)
    member_id = record.member_id
    if member_id is None or member_id not in group.members:
        return
    column = {"social_fund_contribution": 0, "fine": 1}.get(record.kind)
    if column is not None:
        paid.setdefault((text(group.id), member_id), [0, 0])[column] += minor(amount)
    label = MEMBER_KINDS.get(record.kind, record.kind)
    if sign < 0:
        label = f"Reversal: {label}"
    _statement(cursor, position, 0, event, group, member_id, record.kind, label, amount,
               sign * record.shares)


def _loan_statistics(
    cursor: Cursor, group: Group, loan: Loan, record: EntryRecord, sign: int
) -> None:
    """The cycle's loan figures, booked to the loan's own cycle (a reversal undoes them)."""
    if record.kind == "loan_disbursed":
        cursor.execute(
            "UPDATE rm_cycles SET disbursed = disbursed + ?, loans_count = loans_count + ? "
            "WHERE group_id = ? AND cycle_number = ?",
            (sign * minor(loan.principal), sign, text(group.id), loan.cycle_number),
        )
    elif record.kind == "loan_written_off":
        _cycle_add(cursor, group, loan.cycle_number, "written_off", sign * minor(record.amount))


def _loan_changes(record: EntryRecord, sign: int) -> tuple[int, int, int]:
    """(principal, outstanding, written-off) changes of a loan entry, in minor units."""
    amount = sign * minor(record.amount)
    if record.kind == "loan_disbursed":
        return sign * minor(record.principal or record.amount), amount, 0
    if record.kind == "loan_written_off":
        return 0, -amount, amount
    return 0, -amount, 0  # a repayment


def _loan_movement(
    cursor: Cursor, position: int, group: Group, loan: Loan, event: LedgerAggregate.Event,
    principal_change: int, outstanding_change: int, written_off_change: int,
) -> None:
    cursor.execute(
        "INSERT INTO rm_loan_movements (loan_id, position, group_id, on_date, "
        "principal_change, outstanding_change, written_off_change) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (loan.loan_id, position, text(group.id), event.on.isoformat(), principal_change,
         outstanding_change, written_off_change),
    )


def _settle_loan(
    cursor: Cursor, position: int, group: Group, loan: Loan, event: LedgerAggregate.Event
) -> None:
    """A loan settled from savings at an exit or share-out: what it still owed is cleared."""
    _loan_movement(cursor, position, group, loan, event, 0, -minor(loan.outstanding), 0)
    _loan_row(cursor, group, loan, event)


def _shared_out(
    cursor: Cursor, position: int, event: gev.CycleSharedOut, group: Group,
    open_before: Mapping[str, Loan],
) -> None:
    cursor.execute(
        "UPDATE rm_cycles SET closed_on = ? WHERE group_id = ? AND cycle_number = ?",
        (event.on.isoformat(), text(group.id), event.cycle_number),
    )
    for payout in event.payouts:
        _statement(cursor, position, 0, event, group, payout.member_id, "share_out",
                   f"Share-out of cycle {event.cycle_number}: {payout.shares} shares, gross "
                   f"{payout.gross.amount}, loan deducted {payout.loan_deducted.amount}",
                   payout.net, -payout.shares)
    # The loans this share-out settles are those still open before it; loans settled
    # earlier (at a member's exit) keep their own closing date.
    open_rows = cursor.fetchall(
        "SELECT loan_id FROM rm_loans WHERE group_id = ? AND status = 'open' ORDER BY loan_id",
        (text(group.id),),
    )
    for (loan_id,) in open_rows:
        _settle_loan(cursor, position, group, open_before[str(loan_id)], event)


def _statement(
    cursor: Cursor, position: int, line: int, event: LedgerAggregate.Event, group: Group,
    member_id: str, kind: str, description: str, amount: Money, shares: int,
) -> None:
    cycle = group.open_cycle
    # The member's savings (shares × share value) in minor units, without a Money each.
    savings = minor(cycle.share_value) * cycle.shares.get(member_id, 0) if cycle else 0
    cursor.execute(
        "INSERT INTO rm_statement (member_id, position, line, group_id, on_date, event_id, "
        "kind, description, amount, shares, savings_balance, loan_balance) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (member_id, position, line, text(group.id), event.on.isoformat(),
         event_id_text(event), kind, description, minor(amount), shares, savings,
         _loan_balance_units(group, member_id)),
    )


def _loan_balance_units(group: Group, member_id: str) -> int:
    """What the member owes on open loans, in minor units (one sum, not a Money per loan;
    every amount of a loan is exact in the group's currency)."""
    total = sum((loan.outstanding_amount for loan in group.loans.values()
                 if loan.member_id == member_id and loan.status == "open"), Decimal(0))
    return int(total.scaleb(minor_unit(group.currency)))


def _loan_row(cursor: Cursor, group: Group, loan: Loan, event: LedgerAggregate.Event) -> None:
    closed_on = None if loan.status == "open" else event.on.isoformat()
    outstanding = loan.outstanding if loan.status == "open" else group.zero
    cursor.execute(
        "INSERT INTO rm_loans (loan_id, group_id, member_id, cycle_number, principal, "
        "service_charge, term_months, disbursed_on, due_on, outstanding, written_off, status, "
        "closed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (group_id, loan_id) DO UPDATE SET outstanding = excluded.outstanding, "
        "written_off = excluded.written_off, status = excluded.status, "
        "closed_on = excluded.closed_on",
        (loan.loan_id, text(group.id), loan.member_id, loan.cycle_number, minor(loan.principal),
         minor(loan.service_charge), loan.term_months, loan.disbursed_on.isoformat(),
         loan.due_on.isoformat(), minor(outstanding), minor(loan.written_off), loan.status,
         closed_on),
    )


def flush(cursor: Cursor, group: Group, position: int, paid: MemberPaid) -> None:
    """The group's summary row and its members' balances, as of the batch's last event
    (the social fund and fines paid in the batch added to each member's totals)."""
    cycle = group.cycles[-1] if group.cycles else None
    active = group.active_members()
    income = sum((m.amount for m in group.income.values()), start=group.zero.amount)
    expenses = sum((m.amount for m in group.expenses.values()), start=group.zero.amount)
    row = (
        text(group.id), str(group.union_id), group.name, group.enterprise, group.locality,
        group.affiliated_on.isoformat(), group.currency, len(active),
        sum(1 for m in active if m.gender == "female"), cycle.number if cycle else 0,
        1 if group.open_cycle else 0, iso(cycle.started_on) if cycle else None,
        to_json(_cycle_rules(group)), minor(group.loan_fund_cash), minor(group.social_fund_cash),
        minor(group.loans_outstanding), minor(group.member_savings), minor(group.surplus),
        minor(Money(income - expenses, group.currency)), minor(group.sar_standing),
        minor(group.sye_balance), group.version, position,
    )
    columns = (
        "group_id, union_id, name, enterprise, locality, affiliated_on, currency, "
        "members_count, women_count, cycle_number, cycle_open, cycle_started_on, cycle_json, "
        "loan_fund_cash, social_fund_cash, loans_outstanding, member_savings, surplus, "
        "cycle_surplus, sar_standing, sye_balance, version, position"
    )
    updates = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in columns.split(",")[1:])
    cursor.execute(
        f"INSERT INTO rm_groups ({columns}) VALUES ({', '.join('?' * len(row))}) "
        f"ON CONFLICT (group_id) DO UPDATE SET {updates}",
        row,
    )
    # Each member's open loans, in one pass over the group's loans (not one per member).
    owed: dict[str, Money] = {}
    for loan in group.loans.values():
        if loan.status == "open":
            owed[loan.member_id] = owed.get(loan.member_id, group.zero) + loan.outstanding
    open_cycle = group.open_cycle
    group_id = text(group.id)
    rows = []
    for member in group.members.values():
        savings = open_cycle.savings_of(member.member_id) if open_cycle else group.zero
        shares = open_cycle.shares.get(member.member_id, 0) if open_cycle else 0
        social_fund, fines = paid.pop((group_id, member.member_id), [0, 0])
        rows.append((member.member_id, group_id, member.name, member.gender,
                     member.joined_on.isoformat(), iso(member.exited_on), shares,
                     minor(savings), minor(owed.get(member.member_id, group.zero)),
                     social_fund, fines))
    # Every member's row exists (written when the member joined): this updates it.
    cursor.executemany(
        "INSERT INTO rm_members (member_id, group_id, name, gender, joined_on, exited_on, "
        "shares, savings, loan_outstanding, social_fund_paid, fines_paid, exited_in_cycle) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) "
        "ON CONFLICT (group_id, member_id) DO UPDATE SET exited_on = excluded.exited_on, "
        "shares = excluded.shares, savings = excluded.savings, "
        "loan_outstanding = excluded.loan_outstanding, "
        "social_fund_paid = rm_members.social_fund_paid + excluded.social_fund_paid, "
        "fines_paid = rm_members.fines_paid + excluded.fines_paid",
        rows,
    )


def _cycle_rules(group: Group) -> dict[str, object]:
    cycle = group.cycles[-1] if group.cycles else None
    if cycle is None:
        return {}
    return {
        "number": cycle.number, "started_on": cycle.started_on, "closed_on": cycle.closed_on,
        "share_value": cycle.share_value, "min_shares": cycle.min_shares,
        "max_shares": cycle.max_shares,
        "social_fund_contribution": cycle.social_fund_contribution,
        "service_charge_rate_monthly": cycle.service_charge_rate_monthly,
        "max_loan_multiple": cycle.max_loan_multiple, "max_term_months": cycle.max_term_months,
        "max_open_loans_per_member": cycle.max_open_loans_per_member,
    }
