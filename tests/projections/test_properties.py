"""Property: for any history, the read models equal a from-scratch fold of its events."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.projections.checks import (
    check_books,
    check_group_as_of,
    check_group_row,
    check_loans_and_cycles,
    check_members_and_statements,
    check_union,
    check_union_as_of,
)
from tests.projections.random_histories import Step, play, start_history, steps
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    events_of,
    fresh_projection,
    loans_ever,
)

MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history_steps=steps, batch_size=st.integers(1, 40), pick=st.integers(0, 10**6))
def test_read_models_equal_the_fold_of_the_events(
    history_steps: list[Step], batch_size: int, pick: int
) -> None:
    history = start_history(MEMORY)
    for step in history_steps:
        play(history, step)
    app = history.app
    as_of = history.dates[pick % len(history.dates)]
    store = fresh_projection(app, batch_size)
    try:
        with store.transaction(readonly=True) as cursor:
            for group_id in history.group_ids:
                group = app.load_group(group_id)
                check_group_row(cursor, group)
                check_members_and_statements(cursor, group)
                check_loans_and_cycles(cursor, group, loans_ever(events_of(app, group_id)))
                check_books(cursor, app, group_id, None)
                check_books(cursor, app, group_id, as_of)
                check_group_as_of(cursor, app, group_id, as_of)
            union = app.load_union(history.union_id)
            check_union(cursor, union)
            check_books(cursor, app, history.union_id, None)
            check_books(cursor, app, history.union_id, as_of)
            check_union_as_of(cursor, union, as_of)
    finally:
        store.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history_steps=steps, batch_sizes=st.tuples(st.integers(1, 9), st.integers(10, 500)))
def test_batch_boundaries_do_not_matter(
    history_steps: list[Step], batch_sizes: tuple[int, int]
) -> None:
    """Per-batch summary rows (flushed once a batch) come out as if event by event."""
    history = start_history(MEMORY)
    for step in history_steps:
        play(history, step)
    small, large = (fresh_projection(history.app, size) for size in batch_sizes)
    assert_same_read_models(dump_read_models(small), dump_read_models(large))
