"""A group's snapshots: version 2 keeps only the open cycle's entry records, and a
version-1 snapshot (every entry record ever) loads into the state replay gives."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.domain import Snapshot

from domain import group_events
from domain.group import Group
from domain.ledger import LedgerAggregate
from tests.domain.builders import (
    AT,
    CYCLE_START,
    ENTRY_DAY,
    META,
    TODAY,
    GroupBuilder,
    meeting,
    ugx,
)
from union_ledger.application import LedgerApplication


def history() -> tuple[list[LedgerAggregate.Event], set[str]]:
    """A cycle with entries and a reversal, its share-out, and an entry of the next cycle;
    and the ids of the first cycle's entries."""
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5).social_fund("amina", "bosco")
    builder.loan("bosco", "5000", 1, "L0").sye_deposit("2000", "t-0")
    group = builder.group
    group.charge_fine("bosco", ugx("300"), "late", **AT)
    typo = group.charge_fine("bosco", ugx("200"), "late", **AT)
    group.reverse(str(typo.event_id), "typed in twice", on=ENTRY_DAY, meta=META, today=TODAY)
    group.repay_loan("L0", ugx("5500"), **AT)
    first_cycle = set(group.entries)
    group.share_out(on=meeting(3), meta=META, today=TODAY)
    builder.on(meeting(4)).cycle().shares("amina", 2)
    events = [e for e in group.collect_events() if isinstance(e, LedgerAggregate.Event)]
    return events, first_cycle


def replay(events: list[LedgerAggregate.Event]) -> Group:
    aggregate: Any = None
    for event in events:
        aggregate = event.mutate(aggregate)
    assert isinstance(aggregate, Group)
    return aggregate


def public_state(group: Group) -> dict[str, Any]:
    return {k: v for k, v in vars(group).items() if k != "_pending_events"}


def test_replay_keeps_only_the_open_cycle_entries() -> None:
    events, first_cycle = history()
    group = replay(events)
    assert set(group.closed_entries) == first_cycle
    assert len(group.entries) == 1  # the next cycle's share purchase
    assert not first_cycle & set(group.entries)


def test_a_version_1_snapshot_loads_into_the_state_replay_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events, first_cycle = history()
    app = LedgerApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        with monkeypatch.context() as before:  # the group as version 1 kept it
            before.setattr(group_events, "close_entries", lambda *_: None)
            before.setattr(Group, "class_version", 1)
            old = replay(events)
            assert old.closed_entries == {}
            del old.__dict__["closed_entries"]  # not an attribute yet in version 1
            snapshot = Snapshot.take(old)
            stored = app.mapper.to_stored_event(snapshot)
        assert "class_version" not in snapshot.state
        assert "closed_entries" not in snapshot.state
        assert first_cycle <= set(snapshot.state["entries"])
        loaded = app.mapper.to_domain_event(stored)
        assert isinstance(loaded, Snapshot)
        restored = loaded.mutate(None)
        assert isinstance(restored, Group)
        assert public_state(restored) == public_state(replay(events))
    finally:
        app.close()


def test_version_2_snapshots_round_trip() -> None:
    events, _ = history()
    app = LedgerApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        group = replay(events)
        snapshot = Snapshot.take(group)
        assert snapshot.state["class_version"] == 2
        loaded = app.mapper.to_domain_event(app.mapper.to_stored_event(snapshot))
        assert isinstance(loaded, Snapshot)
        restored = loaded.mutate(None)
        assert isinstance(restored, Group)
        assert public_state(restored) == public_state(group)
    finally:
        app.close()
