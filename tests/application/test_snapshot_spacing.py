"""Snapshots are spaced by the interval for a small state, and further apart as the
state holds more records, never so far that a cold load replays without end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.application.support import META, build_app, register_demo_group
from union_ledger.snapshot_spacing import (
    RECORDS_PER_EVENT,
    held_records,
    snapshot_due,
    snapshot_spacing,
)

FIRST_DAY = date(2026, 1, 12)


@dataclass
class State:
    """An aggregate-like object: collections of records, and other attributes."""

    entries: dict[str, int] = field(default_factory=dict)
    cycles: list[int] = field(default_factory=list)
    name: str = "Tusubira"
    version: int = 0


def test_the_records_held_are_the_items_of_the_collections() -> None:
    state = State({str(n): n for n in range(7)}, [1, 2])
    assert held_records(state) == 9


def test_the_spacing_is_the_interval_until_the_state_holds_a_dozen_records_per_event() -> None:
    interval = 100
    state = State({str(n): n for n in range(RECORDS_PER_EVENT * interval - 1)})
    assert snapshot_spacing(state, interval) == 100
    state.entries["one more"] = 0
    assert snapshot_spacing(state, interval) == 100
    state.entries.update({f"x{n}": n for n in range(RECORDS_PER_EVENT * interval)})
    assert held_records(state) == 2 * RECORDS_PER_EVENT * interval
    assert snapshot_spacing(state, interval) == 200
    state.entries.update({f"y{n}": n for n in range(RECORDS_PER_EVENT * interval * 3)})
    assert snapshot_spacing(state, interval) == 500


def test_a_save_reaching_a_multiple_of_the_spacing_takes_one() -> None:
    small, large = State(), State({str(n): n for n in range(RECORDS_PER_EVENT * 20)})
    assert snapshot_spacing(large, 10) == 20
    assert snapshot_due(small, 10, 10, 10)  # a single event at the multiple
    assert snapshot_due(small, 10, 5, 12)  # a batch going past it
    assert not snapshot_due(small, 10, 11, 19)
    assert not snapshot_due(large, 10, 5, 12)  # 10 is no multiple of its spacing
    assert snapshot_due(large, 10, 15, 22)


@given(
    batches=st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=300),
    records_per_event=st.integers(min_value=0, max_value=3),
    interval=st.integers(min_value=2, max_value=50),
)
def test_snapshots_are_at_most_two_spacings_apart_as_the_state_grows(
    batches: list[int], records_per_event: int, interval: int,
) -> None:
    """Saves of any sizes, each adding records: the events since the last snapshot never
    exceed two spacings (plus the last batch, which goes past a multiple)."""
    state, last_snapshot = State(), 0
    for size in batches:
        first, last = state.version + 1, state.version + size
        state.entries.update({f"{v}.{n}": 0 for v in range(first, last + 1)
                              for n in range(records_per_event)})
        state.version = last
        spacing = snapshot_spacing(state, interval)
        if snapshot_due(state, interval, first, last):
            last_snapshot = last
        assert state.version - last_snapshot < 2 * spacing + size


def _buy(app: Any, group_id: Any, members: tuple[str, str], days: range) -> None:
    for day in days:
        app.buy_shares(group_id, members[day % 2], 1, on=FIRST_DAY + timedelta(days=day),
                       meta=META)


def test_a_group_with_a_large_open_cycle_is_snapshotted_further_apart(
    persistence_env: dict[str, str],
) -> None:
    interval = 3
    app = build_app(persistence_env, snapshot_interval=interval)
    try:
        group_id, members = register_demo_group(app)
        _buy(app, group_id, members, range(100))
        assert app.snapshots is not None
        versions = [s.originator_version for s in app.snapshots.get(group_id)]
        group = app.load_group(group_id)
        records = held_records(group)
        assert records >= 2 * RECORDS_PER_EVENT * interval  # a spacing of 6 or more
        gaps = [b - a for a, b in pairwise(versions)]
        assert gaps[0] == interval  # while the state was small
        assert max(gaps) > interval  # later, further apart
        assert all(gap % interval == 0 for gap in gaps)
        assert group.version - versions[-1] < 2 * snapshot_spacing(group, interval)
        reloaded = app.checkouts.rebuild(group_id)
        assert vars(reloaded) == vars(group)
    finally:
        app.close()
