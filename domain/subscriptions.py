"""Subscription schedules and periods: what a group owes its union, when, and its arrears.

Periods are labelled ``2026`` (annual), ``2026-Q3`` (quarterly) and ``2026-07`` (monthly).
A group owes a period if it was affiliated on or before the period's last day; the period
is due on ``max(period start, affiliated_on) + grace_days``. A group is in arrears as of D
for every owed period due before D that was paid less than its amount by D (payments are
dated; only those dated on or before D count; a reversal counts from its own date).

Schedule changes. Every change has an ``effective_on`` date, and the schedule in force on
a period's start date sets that period's frequency, amount and grace days. A period that
has already begun is never cut short or charged twice, so a change *takes effect* on the
first date on or after ``effective_on`` on which a period of the old frequency AND a period
of the new frequency both begin (period boundaries nest: every year starts a quarter,
every quarter starts a month). Until then the old schedule keeps generating its periods.
Examples, effective 2026-07-01:

- annual → quarterly: the group owes 2026 in full (it began under the annual schedule)
  and the quarterly schedule starts with 2027-Q1 — not 2026-Q3, which 2026 already covers;
- monthly → annual: 2026-07 … 2026-12 stay monthly; the annual schedule starts with 2027;
- quarterly amount change: 2026-Q3 onwards at the new amount (2026-07-01 starts a quarter).

So the periods always tile the calendar, with no gap and no overlap: what a union
accountant expects when the members vote "from next year we pay quarterly". A change
recorded later that takes effect on or before a pending one supersedes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, cast

from domain.errors import InvalidPeriod, InvalidSchedule, invariant
from domain.money import Money
from domain.movements import Movement, balance_as_of

Frequency = Literal["annual", "quarterly", "monthly"]
MONTHS_PER_PERIOD: dict[str, int] = {"monthly": 1, "quarterly": 3, "annual": 12}
GRACE_DAYS_MAX = 366
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class SubscriptionSchedule:
    """The dues of every group of a union: one `amount` per period of `frequency`."""

    frequency: Frequency
    amount: Money
    grace_days: int

    def __post_init__(self) -> None:
        if self.frequency not in MONTHS_PER_PERIOD:
            raise InvalidSchedule(
                f"subscription frequency {self.frequency!r} is not one of annual, quarterly,"
                " monthly",
                frequency=str(self.frequency),
            )
        if not isinstance(self.amount, Money):
            raise InvalidSchedule("subscription amount must be Money")
        self.amount.require_positive()
        days = self.grace_days
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= GRACE_DAYS_MAX:
            raise InvalidSchedule(
                f"grace_days must be a whole number from 0 to {GRACE_DAYS_MAX}, got {days!r}",
                grace_days=str(days),
            )


@dataclass(frozen=True)
class ScheduleChange:
    """A schedule and the date from which it applies (the union's first: `date.min`)."""

    effective_on: date
    schedule: SubscriptionSchedule


@dataclass(frozen=True)
class Period:
    label: str
    frequency: Frequency
    start: date
    end: date


@dataclass(frozen=True)
class OwedPeriod:
    """A period a group owes, with the amount and due date of the schedule in force."""

    period: Period
    amount: Money
    due_on: date


@dataclass(frozen=True)
class ArrearsLine:
    """A period due before the as-of date and paid less than owed by then."""

    period: str
    due_on: date
    owed: Money
    paid: Money

    @property
    def unpaid(self) -> Money:
        return self.owed - self.paid


# --- period labels and dates ------------------------------------------------------------

_LABEL_PATTERNS: dict[str, re.Pattern[str]] = {
    "annual": re.compile(r"(\d{4})"),
    "quarterly": re.compile(r"(\d{4})-Q([1-4])"),
    "monthly": re.compile(r"(\d{4})-(0[1-9]|1[0-2])"),
}
_EXAMPLES = {"annual": "2026", "quarterly": "2026-Q3", "monthly": "2026-07"}


def frequency_of(label: str) -> Frequency:
    """The frequency a period label is written in; refuses anything else."""
    for frequency, pattern in _LABEL_PATTERNS.items():
        if isinstance(label, str) and pattern.fullmatch(label) and label[:4] != "0000":
            return cast(Frequency, frequency)
    raise InvalidPeriod(
        f"period {label!r} is not a period label: write 2026 (annual), 2026-Q3 (quarterly)"
        " or 2026-07 (monthly)",
        period=str(label),
    )


def parse_period(label: str, frequency: Frequency | None = None) -> Period:
    """The period a label names, checked against `frequency` when one is given."""
    found = frequency_of(label)
    if frequency is not None and found != frequency:
        raise InvalidPeriod(
            f"period {label!r} is a {found} period but the schedule is {frequency}:"
            f" write it like {_EXAMPLES[frequency]}",
            period=label,
            frequency=frequency,
        )
    match = _LABEL_PATTERNS[found].fullmatch(label)
    invariant(match is not None, f"label {label!r} matched once but not twice")
    year = int(label[:4])
    first_month = 1
    if found == "quarterly":
        first_month = (int(label[-1]) - 1) * 3 + 1
    elif found == "monthly":
        first_month = int(label[5:7])
    return period_containing(date(year, first_month, 1), found)


def period_containing(day: date, frequency: Frequency) -> Period:
    """The period of `frequency` that `day` falls in."""
    months = MONTHS_PER_PERIOD[frequency]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    next_year, next_month = divmod(first_month - 1 + months, 12)
    end = date(day.year + next_year, next_month + 1, 1) - ONE_DAY
    return Period(_label(start, frequency), frequency, start, end)


def next_period(period: Period) -> Period:
    return period_containing(period.end + ONE_DAY, period.frequency)


def _label(start: date, frequency: Frequency) -> str:
    if frequency == "annual":
        return f"{start.year:04d}"
    if frequency == "quarterly":
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year:04d}-{start.month:02d}"


# --- schedule history -------------------------------------------------------------------


def _first_boundary(day: date, frequency: Frequency) -> date:
    """`day` if a period of `frequency` starts on it, else the next period's start."""
    period = period_containing(day, frequency)
    return day if period.start == day else period.end + ONE_DAY


def _coarser(left: Frequency, right: Frequency) -> Frequency:
    return left if MONTHS_PER_PERIOD[left] >= MONTHS_PER_PERIOD[right] else right


def segments(history: Sequence[ScheduleChange]) -> list[ScheduleChange]:
    """The schedules as they take effect: each `effective_on` here is the take-effect date.

    Changes apply in order of `effective_on` (ties: in the order recorded); a change that
    takes effect on or before a pending one supersedes it (see the module docstring).
    """
    result: list[ScheduleChange] = []
    for change in sorted(history, key=lambda item: item.effective_on):
        frequency = change.schedule.frequency
        in_force = _in_force(result, change.effective_on)
        if in_force is not None:
            frequency = _coarser(in_force.schedule.frequency, frequency)
        starts = _first_boundary(change.effective_on, frequency)
        result = [segment for segment in result if segment.effective_on < starts]
        result.append(ScheduleChange(starts, change.schedule))
    return result


def _in_force(segment_list: Sequence[ScheduleChange], day: date) -> ScheduleChange | None:
    found = None
    for segment in segment_list:
        if segment.effective_on <= day:
            found = segment
    return found


def schedule_in_force(history: Sequence[ScheduleChange], day: date) -> SubscriptionSchedule | None:
    """The schedule that sets the period starting on `day` (None before the first)."""
    segment = _in_force(segments(history), day)
    return None if segment is None else segment.schedule


def periods_owed(
    history: Sequence[ScheduleChange], affiliated_on: date, as_of: date
) -> list[OwedPeriod]:
    """Every period the group owes, oldest first, up to the period containing `as_of`."""
    owed: list[OwedPeriod] = []
    segment_list = segments(history)
    for index, segment in enumerate(segment_list):
        until = as_of
        if index + 1 < len(segment_list):
            until = min(as_of, segment_list[index + 1].effective_on - ONE_DAY)
        schedule = segment.schedule
        period = period_containing(max(segment.effective_on, affiliated_on), schedule.frequency)
        while period.start <= until:
            invariant(
                index + 1 == len(segment_list) or period.end < segment_list[index + 1].effective_on,
                f"subscription period {period.label} overlaps the next schedule",
            )
            due_on = max(period.start, affiliated_on) + timedelta(days=schedule.grace_days)
            owed.append(OwedPeriod(period, schedule.amount, due_on))
            period = next_period(period)
    return owed


def owed_period(
    history: Sequence[ScheduleChange], affiliated_on: date, label: str
) -> OwedPeriod | None:
    """The owed period with this label, or None when the schedule has no such period."""
    period = parse_period(label)
    for candidate in periods_owed(history, affiliated_on, period.start):
        if candidate.period.label == label:
            return candidate
    return None


def paid_as_of(
    payments: Mapping[str, Sequence[Movement]], label: str, currency: str, as_of: date | None
) -> Money:
    return balance_as_of(payments.get(label, []), currency, as_of)


def arrears(
    history: Sequence[ScheduleChange],
    affiliated_on: date,
    payments: Mapping[str, Sequence[Movement]],
    as_of: date,
) -> list[ArrearsLine]:
    """The owed periods due before `as_of` and paid less than owed by `as_of`."""
    lines: list[ArrearsLine] = []
    for owed in periods_owed(history, affiliated_on, as_of):
        if owed.due_on >= as_of:
            continue
        paid = paid_as_of(payments, owed.period.label, owed.amount.currency, as_of)
        if paid < owed.amount:
            lines.append(ArrearsLine(owed.period.label, owed.due_on, owed.amount, paid))
    return lines


def payment_conflicts(
    history: Sequence[ScheduleChange],
    affiliated_on: date,
    payments: Mapping[str, Sequence[Movement]],
) -> list[str]:
    """Recorded payments that `history` would no longer explain, in words.

    A payment is explained when its label is a period the group owes under `history`
    and the period's net payments do not exceed its amount.
    """
    problems: list[str] = []
    for label, movements in sorted(payments.items()):
        if not movements:
            continue
        currency = movements[0].amount.currency
        paid = balance_as_of(movements, currency)
        if paid.is_zero:
            continue
        owed = owed_period(history, affiliated_on, label)
        if owed is None:
            problems.append(f"period {label} (paid {paid.amount}) would no longer be owed")
        elif paid > owed.amount:
            problems.append(
                f"period {label} (paid {paid.amount}) would owe only {owed.amount.amount}"
            )
    return problems
