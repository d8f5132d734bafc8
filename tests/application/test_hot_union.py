"""A union of a thousand groups: snapshots keep what loading it replays bounded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import LRUCache

from domain.ledger import Meta
from domain.union import Union
from tests.application.support import build_app, register_union
from tests.application.union_support import add_group, events_of, ugx
from union_ledger.application import LedgerApplication
from union_ledger.settings import eventsourcing_env, load_settings

META = Meta("secretariat", "req-hot-union")
GROUPS = 1000
SNAPSHOT_INTERVAL = 100
AFFILIATED_ON = date(2026, 1, 5)
PAID_ON = date(2026, 1, 20)
SUBSCRIPTION = 12000


@pytest.fixture(params=["memory", "sqlite"])
def hot_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The in-memory and SQLite stores only: on PostgreSQL the 3,000 saves took about a
    minute; test_concurrency covers union snapshots taken on PostgreSQL."""
    if request.param == "memory":
        return eventsourcing_env(load_settings(persistence="memory"))
    return eventsourcing_env(
        load_settings(persistence="sqlite", sqlite_path=tmp_path / "ledger.sqlite3")
    )


@pytest.fixture
def app(hot_env: dict[str, str]) -> Iterator[LedgerApplication]:
    application = build_app(hot_env, snapshot_interval=SNAPSHOT_INTERVAL)
    try:
        yield application
    finally:
        application.close()


def union_of_many_groups(app: LedgerApplication) -> UUID:
    """GROUPS groups, each affiliated (1 union event) and paying 2026 in full (1 more)."""
    union_id = register_union(app)
    for number in range(GROUPS):
        group_id = add_group(app, union_id, f"Group {number:04d}", affiliated_on=AFFILIATED_ON,
                             cash=str(SUBSCRIPTION))
        app.pay_subscription(group_id, "2026", SUBSCRIPTION, on=PAID_ON, meta=META)
    return union_id


def fresh_app(app: LedgerApplication, env: dict[str, str]) -> LedgerApplication:
    """An application that has not seen the union: a new one on the same database (the
    in-memory store lives in its application, so there its cache is replaced by an empty
    one: LRUCache.clear() of the library resets the recency list but keeps the entries)."""
    if env["PERSISTENCE_MODULE"] == "eventsourcing.popo":
        cache = app.repository.cache
        assert isinstance(cache, LRUCache)
        app.repository.cache = LRUCache(maxsize=cache.maxsize)
        return app
    return build_app(env, snapshot_interval=SNAPSHOT_INTERVAL)


def test_loading_a_hot_union_replays_fewer_events_than_the_snapshot_interval(
    app: LedgerApplication, hot_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    union_id = union_of_many_groups(app)
    live = app.load_union(union_id)
    events = events_of(app, union_id)
    assert len(events) == 1 + 2 * GROUPS == live.version
    assert sum(isinstance(e, Union.GroupAffiliated) for e in events) == GROUPS
    assert sum(isinstance(e, Union.SubscriptionReceived) for e in events) == GROUPS

    assert app.snapshots is not None
    latest = list(app.snapshots.get(union_id, desc=True, limit=1))
    assert len(latest) == 1
    snapshot_version = latest[0].originator_version
    after_snapshot = list(app.events.get(union_id, gt=snapshot_version))
    assert len(after_snapshot) == live.version - snapshot_version < SNAPSHOT_INTERVAL

    fresh = fresh_app(app, hot_env)
    try:
        replayed: list[object] = []
        get_events = fresh.events.get

        def counting_get(*args: Any, **kwargs: Any) -> Iterator[Any]:
            for event in get_events(*args, **kwargs):
                replayed.append(event)
                yield event

        monkeypatch.setattr(fresh.events, "get", counting_get)
        loaded = fresh.load_union(union_id)
        assert len(replayed) == len(after_snapshot)
        assert loaded.__dict__ == live.__dict__
        assert loaded.subscriptions_received_total() == ugx(GROUPS * SUBSCRIPTION)
        assert len(loaded.groups()) == GROUPS
    finally:
        if fresh is not app:
            fresh.close()
