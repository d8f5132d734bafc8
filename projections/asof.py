"""A group's figures as of any business date, read from postings and dated read models.

Everything here counts what is dated on or before the date (a reversal on its own date),
so a figure as of a past date is what the books said that day, and as of today it equals
the live summary rows. The indicators and the SAVIX export are built from these figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.books import DEBIT_NORMAL_PREFIXES
from domain.indicators import PAR_DAYS
from projections.store import Cursor

# Income (4xxx) and expense (5xxx) accounts of the group chart: a share-out closes them
# into retained surplus, so their balance is the surplus of the cycle since.
INCOME_PREFIX = "4"
EXPENSE_PREFIX = "5"


@dataclass(frozen=True)
class CycleFacts:
    """The cycle a group was in on a date: the latest one started on or before it."""

    number: int
    started_on: date
    closed_on: date | None  # only when closed on or before the date
    members_at_start: int
    women_at_start: int
    men_at_start: int
    service_charge_rate: str
    share_value: int


@dataclass(frozen=True)
class LoanFigures:
    """Loans as of a date, in minor units: all open loans, and this cycle's lending."""

    outstanding_count: int = 0
    outstanding: int = 0
    late_over_30_days: int = 0  # outstanding of loans more than PAR_DAYS past due
    disbursed: int = 0  # principal lent this cycle
    disbursed_count: int = 0
    written_off: int = 0  # written off on this cycle's loans


@dataclass(frozen=True)
class GroupFigures:
    """What the indicators and the SAVIX need about one group on one date (minor units)."""

    group_id: str
    name: str
    currency: str
    as_of: date
    cycle: CycleFacts | None
    members: dict[str, int]  # active members by gender ("female", "male", "other")
    attendees: int
    attendance_possible: int
    exits: int
    balances: dict[str, int]  # account → balance on its natural side of the group's chart
    loans: LoanFigures

    @property
    def members_count(self) -> int:
        return sum(self.members.values())

    def balance(self, account: str) -> int:
        return self.balances.get(account, 0)

    @property
    def surplus_this_cycle(self) -> int:
        """Income less expenses since the last share-out (which closed the accounts)."""
        income = sum(b for a, b in self.balances.items() if a.startswith(INCOME_PREFIX))
        expenses = sum(b for a, b in self.balances.items() if a.startswith(EXPENSE_PREFIX))
        return income - expenses

    @property
    def days_since_cycle_start(self) -> int:
        return 0 if self.cycle is None else max((self.as_of - self.cycle.started_on).days, 0)


def group_figures(cursor: Cursor, group_id: str, as_of: date) -> GroupFigures | None:
    """The group's figures as of the end of `as_of`; None for an unknown group."""
    row = cursor.fetchone("SELECT name, currency FROM rm_groups WHERE group_id = ?", (group_id,))
    if row is None:
        return None
    cycle = cycle_as_of(cursor, group_id, as_of)
    attendees, possible, exits = 0, 0, 0
    if cycle is not None:
        attendees, possible = _attendance(cursor, group_id, cycle.number, as_of)
        exits = _exits(cursor, group_id, cycle.number, as_of)
    return GroupFigures(
        group_id=group_id, name=str(row[0]), currency=str(row[1]), as_of=as_of, cycle=cycle,
        members=members_as_of(cursor, group_id, as_of), attendees=attendees,
        attendance_possible=possible, exits=exits,
        balances=account_balances(cursor, group_id, as_of),
        loans=loans_as_of(cursor, group_id, cycle.number if cycle else None, as_of),
    )


def cycle_as_of(cursor: Cursor, group_id: str, as_of: date) -> CycleFacts | None:
    row = cursor.fetchone(
        "SELECT cycle_number, started_on, closed_on, members_at_start, women_at_start, "
        "men_at_start, service_charge_rate, share_value FROM rm_cycles "
        "WHERE group_id = ? AND started_on <= ? ORDER BY cycle_number DESC LIMIT 1",
        (group_id, as_of.isoformat()),
    )
    if row is None:
        return None
    closed_on = None if row[2] is None else date.fromisoformat(row[2])
    return CycleFacts(
        number=int(row[0]), started_on=date.fromisoformat(row[1]),
        closed_on=closed_on if closed_on is not None and closed_on <= as_of else None,
        members_at_start=int(row[3]), women_at_start=int(row[4]), men_at_start=int(row[5]),
        service_charge_rate=str(row[6]), share_value=int(row[7]),
    )


def account_balances(cursor: Cursor, book_id: str, as_of: date) -> dict[str, int]:
    """Each account's balance on its natural side (debit for 1xxx and 5xxx, else credit)."""
    rows = cursor.fetchall(
        "SELECT account, COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) FROM rm_postings "
        "WHERE book_id = ? AND on_date <= ? GROUP BY account",
        (book_id, as_of.isoformat()),
    )
    return {
        str(account): int(net) if str(account).startswith(DEBIT_NORMAL_PREFIXES) else -int(net)
        for account, net in rows
    }


def members_as_of(cursor: Cursor, group_id: str, as_of: date) -> dict[str, int]:
    """Members who had joined and not exited by the end of `as_of`, by gender."""
    day = as_of.isoformat()
    rows = cursor.fetchall(
        "SELECT gender, COUNT(*) FROM rm_members WHERE group_id = ? AND joined_on <= ? "
        "AND (exited_on IS NULL OR exited_on > ?) GROUP BY gender",
        (group_id, day, day),
    )
    return {str(gender): int(count) for gender, count in rows}


def _attendance(cursor: Cursor, group_id: str, cycle: int, as_of: date) -> tuple[int, int]:
    row = cursor.fetchone(
        "SELECT COALESCE(SUM(attendees), 0), COALESCE(SUM(active_members), 0) FROM rm_meetings "
        "WHERE group_id = ? AND cycle_number = ? AND held_on <= ?",
        (group_id, cycle, as_of.isoformat()),
    )
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def _exits(cursor: Cursor, group_id: str, cycle: int, as_of: date) -> int:
    row = cursor.fetchone(
        "SELECT COUNT(*) FROM rm_members WHERE group_id = ? AND exited_in_cycle = ? "
        "AND exited_on <= ?",
        (group_id, cycle, as_of.isoformat()),
    )
    return 0 if row is None else int(row[0])


def loans_as_of(cursor: Cursor, group_id: str, cycle: int | None, as_of: date) -> LoanFigures:
    """Each loan's balance as of `as_of`, from its dated movements, summed."""
    rows = cursor.fetchall(
        "SELECT l.cycle_number, l.due_on, SUM(m.principal_change), SUM(m.outstanding_change), "
        "SUM(m.written_off_change) FROM rm_loan_movements m JOIN rm_loans l "
        "ON l.group_id = m.group_id AND l.loan_id = m.loan_id "
        "WHERE m.group_id = ? AND m.on_date <= ? GROUP BY m.loan_id, l.cycle_number, l.due_on",
        (group_id, as_of.isoformat()),
    )
    late_before = (as_of - timedelta(days=PAR_DAYS)).isoformat()
    count = outstanding = late = disbursed = disbursed_count = written_off = 0
    for cycle_number, due_on, principal, owed, off in rows:
        if int(owed) > 0:
            count += 1
            outstanding += int(owed)
            late += int(owed) if str(due_on) < late_before else 0
        if cycle_number == cycle:
            disbursed += int(principal)
            disbursed_count += 1 if int(principal) > 0 else 0
            written_off += int(off)
    return LoanFigures(count, outstanding, late, disbursed, disbursed_count, written_off)
