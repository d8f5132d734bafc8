"""A group restored from a snapshot refuses the reversal of a closed cycle's entry with the
reason a group replayed from its first event gives: the snapshot leaves the closed
entries out, and when a reversal needs one the application looks it up in the group's
stored events (or, when their states cannot be searched, replays the group)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import LRUCache

from domain import errors
from tests.application.support import META, RULES, build_app, register_demo_group
from union_ledger.application import LedgerApplication

CYCLE_ONE = date(2026, 1, 12)
SHARE_OUT = date(2026, 3, 2)
CYCLE_TWO = date(2026, 3, 9)
NO_SNAPSHOTS = 1_000_000


@dataclass
class History:
    group_id: UUID
    union_id: UUID
    closed_purchase: UUID
    closed_reversed_fine: UUID
    closed_fine_reversal: UUID
    closed_sye_union_side: UUID
    open_purchase: UUID


def _history(app: LedgerApplication) -> History:
    """A first cycle (shares, a fine typed twice and one reversed, an SYE deposit), its
    share-out, and a second cycle of weekly purchases long enough for snapshots."""
    group_id, (akello, okot) = register_demo_group(app)
    group = app.load_group(group_id)
    purchase = app.buy_shares(group_id, akello, 2, on=CYCLE_ONE, meta=META).value
    app.charge_fine(group_id, okot, "500", "late", on=CYCLE_ONE, meta=META)
    typo = app.charge_fine(group_id, okot, "500", "late", on=CYCLE_ONE, meta=META).value
    reversal = app.reverse_group_entry(group_id, typo.event_id, "typed in twice",
                                       on=CYCLE_ONE, meta=META).value
    sye = app.deposit_sye(group_id, "2000", on=CYCLE_ONE + timedelta(weeks=1),
                          meta=META).value
    app.share_out(group_id, on=SHARE_OUT, meta=META)
    app.start_cycle(group_id, RULES, started_on=CYCLE_TWO, meta=META)
    second = app.buy_shares(group_id, okot, 1, on=CYCLE_TWO, meta=META).value
    for week in range(1, 8):
        app.buy_shares(group_id, akello, 1, on=CYCLE_TWO + timedelta(weeks=week), meta=META)
    return History(group_id, group.union_id, purchase.event_id, typo.event_id,
                   reversal[0].event_id, sye.union_event.event_id, second.event_id)


def _empty_cache(app: LedgerApplication) -> None:
    cache = app.repository.cache
    if isinstance(cache, LRUCache):  # LRUCache.clear() keeps its entries: replace it
        app.repository.cache = LRUCache(maxsize=cache.maxsize)


def _outcome(command: Callable[[], Any]) -> str:
    try:
        command()
    except errors.DomainError as error:
        return error.code
    return "booked"


def _reversals(app: LedgerApplication, history: History) -> list[tuple[str, str]]:
    """Each reversal's outcome, the group's cache emptied before each, as after a restart."""
    on = CYCLE_TWO + timedelta(weeks=8)

    def group_side(event_id: UUID) -> Callable[[], Any]:
        return lambda: app.reverse_group_entry(history.group_id, event_id, "wrong",
                                               on=on, meta=META)

    cases = [
        ("closed purchase", group_side(history.closed_purchase)),
        ("closed fine, reversed", group_side(history.closed_reversed_fine)),
        ("unknown id", group_side(uuid4())),
        ("closed reversal (not an entry)", group_side(history.closed_fine_reversal)),
        ("closed SYE deposit, from the union", lambda: app.reverse_union_entry(
            history.union_id, history.closed_sye_union_side, "wrong", on=on, meta=META)),
        ("open purchase", group_side(history.open_purchase)),
    ]
    outcomes = []
    for name, command in cases:
        _empty_cache(app)
        outcomes.append((name, _outcome(command)))
    return outcomes


def test_a_restored_group_refuses_closed_entries_as_a_replayed_one_does(
    persistence_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"},
                          snapshot_interval=NO_SNAPSHOTS)
    app = build_app(persistence_env, snapshot_interval=5)
    try:
        expected = _reversals(reference, _history(reference))
        assert expected == [
            ("closed purchase", "not_reversible"),
            ("closed fine, reversed", "already_reversed"),
            ("unknown id", "event_not_found"),
            ("closed reversal (not an entry)", "not_reversible"),
            ("closed SYE deposit, from the union", "not_reversible"),
            ("open purchase", "booked"),
        ]
        history = _history(app)
        _empty_cache(app)
        restored = app.checkouts.rebuild(history.group_id)
        assert restored.closed_entries is None  # the snapshot after the share-out left them
        replays, lookups = _counting(app, monkeypatch)
        position = app.position()
        outcomes = _reversals(app, history)
        assert outcomes == expected
        # Nothing booked by the refusals; the open purchase's reversal: one event.
        assert app.position() == position + 1
        # Each of the four ids only the closed entries could explain was looked up once in
        # the group's stored events; nothing was replayed.
        assert lookups == [history.group_id] * 4
        assert replays == []
    finally:
        reference.close()
        app.close()


def test_states_that_cannot_be_searched_replay_the_group_and_refuse_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Compressed states hold no id's bytes: the group is replayed, with the same answers."""
    reference = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"},
                          snapshot_interval=NO_SNAPSHOTS)
    app = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo",
                     "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"},
                    snapshot_interval=5)
    try:
        assert app.mapper.compressor is not None
        expected = _reversals(reference, _history(reference))
        history = _history(app)
        replays, lookups = _counting(app, monkeypatch)
        assert _reversals(app, history) == expected
        assert lookups == [history.group_id] * 4
        assert replays == [history.group_id] * 4
    finally:
        reference.close()
        app.close()


def _counting(
    app: LedgerApplication, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[UUID], list[UUID]]:
    """The groups the application replays from their first event, and those in whose
    stored events it looks a closed entry up, as it does so."""
    replays: list[UUID] = []
    lookups: list[UUID] = []
    replay = app.checkouts.replay
    find = app._find_closed_entry

    def counted_replay(aggregate_id: UUID) -> Any:
        replays.append(aggregate_id)
        return replay(aggregate_id)

    def counted_find(group_id: UUID, event_id: str) -> Any:
        lookups.append(group_id)
        return find(group_id, event_id)

    monkeypatch.setattr(app.checkouts, "replay", counted_replay)
    monkeypatch.setattr(app, "_find_closed_entry", counted_find)
    return replays, lookups
