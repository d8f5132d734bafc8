"""Balances, trial balances and indicator inputs as of past dates, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.application.support import build_app
from tests.projections.checks import check_books, check_group_as_of, check_union_as_of
from tests.projections.histories import RichHistory, record_rich_history
from tests.projections.support import events_of, projector_for, read_store_for
from union_ledger.application import LedgerApplication

DATES_CHECKED = 12


@pytest.fixture
def recorded(
    database_env: dict[str, str],
) -> Iterator[tuple[LedgerApplication, RichHistory]]:
    app = build_app(database_env)
    try:
        yield app, record_rich_history(app)
    finally:
        app.close()


def test_as_of_any_date_equals_the_aggregate_replayed_to_it(
    recorded: tuple[LedgerApplication, RichHistory], database_env: dict[str, str]
) -> None:
    """Each group's business dates only move forward, so "as of D" is a prefix of its
    history: the read models' answer must be that prefix folded."""
    app, history = recorded
    store = read_store_for(database_env)
    try:
        projector_for(app, store).catch_up()
        groups = {g: events_of(app, g) for g in (history.closed_group, history.open_group)}
        days = sorted({e.on for events in groups.values() for e in events})
        step = max(len(days) // DATES_CHECKED, 1)
        union = app.load_union(history.union_id)
        with store.transaction(readonly=True) as cursor:
            for as_of in [*days[::step], days[-1]]:
                for group_id, events in groups.items():
                    if events[0].on <= as_of:  # registered by then
                        check_group_as_of(cursor, app, group_id, as_of)
                    check_books(cursor, app, group_id, as_of)
                check_books(cursor, app, history.union_id, as_of)
                check_union_as_of(cursor, union, as_of)
    finally:
        store.close()
