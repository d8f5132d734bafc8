"""Subscription schedules: period labels, what a group owes and when, arrears, schedule changes."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError, InvalidPeriod
from domain.money import Money
from domain.movements import Movement
from domain.subscriptions import (
    ArrearsLine,
    Frequency,
    ScheduleChange,
    SubscriptionSchedule,
    arrears,
    parse_period,
    payment_conflicts,
    period_containing,
    periods_owed,
    schedule_in_force,
    segments,
)
from tests.domain.union_fixtures import ugx


def schedule(frequency: Frequency, amount: str = "10000", grace_days: int = 30) -> ScheduleChange:
    """A schedule in force from the beginning (the union's registration schedule)."""
    return ScheduleChange(date.min, SubscriptionSchedule(frequency, ugx(amount), grace_days))


def change(on: date, frequency: Frequency, amount: str = "10000") -> ScheduleChange:
    return ScheduleChange(on, SubscriptionSchedule(frequency, ugx(amount), 30))


def labels(history: list[ScheduleChange], affiliated_on: date, as_of: date) -> list[str]:
    return [owed.period.label for owed in periods_owed(history, affiliated_on, as_of)]


# --- schedules and labels ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "amount", "grace_days", "code"),
    [
        ("weekly", "100", 0, "invalid_subscription_schedule"),
        ("monthly", "0", 0, "invalid_amount"),
        ("monthly", "-5", 0, "invalid_amount"),
        ("monthly", "100", -1, "invalid_subscription_schedule"),
        ("monthly", "100", 367, "invalid_subscription_schedule"),
        ("monthly", "100", True, "invalid_subscription_schedule"),
    ],
)
def test_a_schedule_refuses_what_no_union_could_mean(
    frequency: str, amount: str, grace_days: int, code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        SubscriptionSchedule(frequency, Money.of(amount, "UGX"), grace_days)  # type: ignore[arg-type]
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("label", "frequency", "start", "end"),
    [
        ("2026", "annual", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q1", "quarterly", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q3", "quarterly", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", "quarterly", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-07", "monthly", date(2026, 7, 1), date(2026, 7, 31)),
        ("2028-02", "monthly", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-12", "monthly", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_a_label_names_its_period(label: str, frequency: str, start: date, end: date) -> None:
    period = parse_period(label)
    assert (period.label, period.frequency, period.start, period.end) == (
        label, frequency, start, end,
    )
    assert period_containing(end, period.frequency) == period


@pytest.mark.parametrize(
    "label", ["", "26", "2026-Q5", "2026-Q0", "2026-13", "2026-00", "2026-7", "2026Q3", "0000",
              "2026-q3", " 2026", "2026-07-01"],
)
def test_a_malformed_label_is_refused(label: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(label)


def test_a_label_of_another_frequency_is_refused_with_an_example() -> None:
    with pytest.raises(InvalidPeriod) as caught:
        parse_period("2026-07", "quarterly")
    assert "2026-Q3" in caught.value.message


# --- periods owed and due dates ---------------------------------------------------------


def test_a_group_owes_the_period_it_joined_in_due_grace_days_after_joining() -> None:
    owed = periods_owed([schedule("quarterly")], date(2026, 2, 10), date(2026, 7, 1))
    assert [(o.period.label, o.due_on) for o in owed] == [
        ("2026-Q1", date(2026, 3, 12)),  # max(start, affiliated_on) + 30
        ("2026-Q2", date(2026, 5, 1)),
        ("2026-Q3", date(2026, 7, 31)),  # listed: the period containing the as-of date
    ]


def test_a_group_joining_on_the_last_day_still_owes_that_period() -> None:
    assert labels([schedule("monthly")], date(2026, 3, 31), date(2026, 4, 15)) == [
        "2026-03", "2026-04",
    ]


def test_arrears_count_only_periods_due_before_the_as_of_date() -> None:
    history = [schedule("quarterly", grace_days=30)]
    due_q1 = date(2026, 1, 31)
    paid_q4 = {"2025-Q4": [Movement(date(2025, 12, 1), ugx(10000))]}
    assert arrears(history, date(2025, 12, 1), paid_q4, due_q1) == []
    lines = arrears(history, date(2025, 12, 1), paid_q4, due_q1 + timedelta(days=1))
    assert lines == [ArrearsLine("2026-Q1", due_q1, ugx(10000), ugx(0))]


def test_partial_and_late_payments_count_only_as_of_their_dates() -> None:
    history = [schedule("quarterly", grace_days=30)]
    payments = {
        "2026-Q1": [Movement(date(2026, 1, 20), ugx(4000)), Movement(date(2026, 4, 20), ugx(6000))]
    }
    as_of_march = arrears(history, date(2026, 1, 1), payments, date(2026, 3, 1))
    assert as_of_march == [ArrearsLine("2026-Q1", date(2026, 1, 31), ugx(10000), ugx(4000))]
    assert as_of_march[0].unpaid == ugx(6000)
    as_of_may = arrears(history, date(2026, 1, 1), payments, date(2026, 5, 2))
    assert [line.period for line in as_of_may] == ["2026-Q2"]


def test_a_reversed_payment_counts_until_the_reversal_date() -> None:
    history = [schedule("annual", grace_days=0)]
    payments = {"2026": [Movement(date(2026, 1, 1), ugx(10000)),
                         Movement(date(2026, 6, 1), ugx(-10000))]}
    assert arrears(history, date(2026, 1, 1), payments, date(2026, 5, 31)) == []
    assert len(arrears(history, date(2026, 1, 1), payments, date(2026, 6, 2))) == 1


# --- schedule changes -------------------------------------------------------------------


def test_annual_to_quarterly_mid_year_starts_with_the_next_year() -> None:
    history = [schedule("annual", "40000"), change(date(2026, 7, 1), "quarterly")]
    assert labels(history, date(2025, 6, 1), date(2027, 4, 1)) == [
        "2025", "2026", "2027-Q1", "2027-Q2",
    ]


def test_monthly_to_annual_keeps_monthly_until_the_year_ends() -> None:
    history = [schedule("monthly", "1000"), change(date(2026, 7, 1), "annual", "12000")]
    owed = labels(history, date(2026, 5, 1), date(2027, 3, 1))
    assert owed == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
                    "2026-11", "2026-12", "2027"]


def test_an_amount_change_mid_quarter_applies_from_the_next_quarter() -> None:
    history = [schedule("quarterly", "10000"), change(date(2026, 2, 15), "quarterly", "15000")]
    owed = periods_owed(history, date(2026, 1, 1), date(2026, 4, 1))
    assert [(o.period.label, o.amount) for o in owed] == [
        ("2026-Q1", ugx(10000)), ("2026-Q2", ugx(15000)),
    ]
    assert schedule_in_force(history, date(2026, 3, 1)) == history[0].schedule


def test_a_later_change_supersedes_a_pending_one() -> None:
    history = [
        schedule("monthly", "1000"),
        change(date(2026, 2, 10), "annual", "12000"),  # would take effect 2027-01-01
        change(date(2026, 3, 10), "quarterly", "3000"),  # takes effect 2026-04-01
    ]
    assert [(s.effective_on, s.schedule.frequency) for s in segments(history)] == [
        (date.min, "monthly"), (date(2026, 4, 1), "quarterly"),
    ]


def test_payment_conflicts_name_periods_a_change_would_orphan_or_overfill() -> None:
    history = [schedule("quarterly", "10000"), change(date(2026, 1, 1), "monthly", "3000")]
    payments = {"2026-Q1": [Movement(date(2026, 1, 5), ugx(10000))],
                "2025-Q4": [Movement(date(2025, 10, 5), ugx(10000))]}
    assert payment_conflicts(history, date(2025, 10, 1), payments) == [
        "period 2026-Q1 (paid 10000) would no longer be owed",
    ]
    cheaper = [schedule("quarterly", "10000"), change(date(2025, 10, 1), "quarterly", "8000")]
    assert payment_conflicts(cheaper, date(2025, 10, 1), payments) == [
        "period 2025-Q4 (paid 10000) would owe only 8000",
        "period 2026-Q1 (paid 10000) would owe only 8000",
    ]


FREQUENCIES: list[Frequency] = ["annual", "quarterly", "monthly"]
changes = st.lists(
    st.tuples(st.dates(date(2024, 1, 1), date(2028, 12, 31)), st.sampled_from(FREQUENCIES)),
    max_size=5,
)


@given(st.sampled_from(FREQUENCIES), changes, st.dates(date(2024, 1, 1), date(2028, 12, 31)))
def test_periods_tile_the_calendar_whatever_the_changes(
    first: Frequency, history: list[tuple[date, Frequency]], affiliated_on: date
) -> None:
    full = [schedule(first)] + [change(on, frequency) for on, frequency in history]
    owed = periods_owed(full, affiliated_on, date(2029, 12, 31))
    assert owed[0].period.start <= affiliated_on <= owed[0].period.end
    for earlier, later in itertools.pairwise(owed):
        assert later.period.start == earlier.period.end + timedelta(days=1)
    for item in owed:
        in_force = schedule_in_force(full, item.period.start)
        assert in_force is not None and in_force.frequency == item.period.frequency
