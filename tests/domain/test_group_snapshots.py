"""A group's snapshots: version 4 keeps the open cycle's entry records and loans and leaves
the closed cycles' entries out (version 3 kept their ids packed); version-1 to version-3
snapshots load into the state replay gives."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Snapshot

from domain import group_events
from domain.errors import HistoryNeeded
from domain.group import Group
from domain.group_state import ClosedEntries, EntryRecord
from domain.ledger import LedgerAggregate
from tests.domain.builders import (
    AT,
    CYCLE_START,
    ENTRY_DAY,
    META,
    TODAY,
    GroupBuilder,
    assert_refused,
    meeting,
    ugx,
)
from union_ledger.application import LedgerApplication


def history() -> tuple[list[LedgerAggregate.Event], set[str]]:
    """A cycle with entries, a loan and a reversal, its share-out, and a share purchase and
    a loan in the next cycle; and the ids of the first cycle's entries."""
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
    builder.on(meeting(4)).cycle().shares("amina", 2).loan("amina", "1000", 1, "L1")
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


def old_snapshot(monkeypatch: pytest.MonkeyPatch, version: int,
                 events: list[LedgerAggregate.Event]) -> Snapshot:
    """A snapshot of the group as `version` kept it: every loan and each cycle's shares per
    day; every entry record (1) or the closed cycles' as id → [date, reverser] (2)."""
    closed_v2: dict[str, list[str | None]] = {}

    def close_entries_v2(entries: dict[str, EntryRecord], _: object, shareout_on: date) -> None:
        for event_id in [e for e, record in entries.items() if record.on <= shareout_on]:
            record = entries.pop(event_id)
            closed_v2[event_id] = [record.on.isoformat(), record.reversed_by]

    with monkeypatch.context() as before:
        before.setattr(Group, "class_version", version)
        before.setattr(group_events, "close_loans", lambda *_: None)
        before.setattr(group_events, "close_shares_by_day", lambda *_: None)
        before.setattr(group_events, "close_entries",
                       (lambda *_: None) if version == 1 else close_entries_v2)
        old = replay(events)
        del old.__dict__["closed_loans"]  # not an attribute before version 3
        if version == 1:
            del old.__dict__["closed_entries"]  # nor this one before version 2
        else:
            old.__dict__["closed_entries"] = closed_v2
        return Snapshot.take(old)


@pytest.fixture
def app() -> Any:
    application = LedgerApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


def test_replay_keeps_only_the_open_cycle_entries_and_loans() -> None:
    events, first_cycle = history()
    group = replay(events)
    assert group.closed_entries is not None
    assert set(group.closed_entries) == first_cycle
    assert len(group.entries) == 2  # the next cycle's share purchase and loan
    assert not first_cycle & set(group.entries)
    assert set(group.loans) == {"L1"}
    assert group.closed_loans == {"L0": "repaid"}
    assert group.cycles[0].shares_by_day == {}
    assert group.cycles[0].shares  # the closed cycle's shares per member are kept
    assert group.cycles[1].shares_by_day


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_snapshot_loads_into_the_state_replay_gives(
    monkeypatch: pytest.MonkeyPatch, app: LedgerApplication, version: int
) -> None:
    events, first_cycle = history()
    snapshot = old_snapshot(monkeypatch, version, events)
    assert snapshot.state.get("class_version", 1) == version
    assert "closed_loans" not in snapshot.state
    assert "L0" in snapshot.state["loans"]
    assert snapshot.state["cycles"][0].shares_by_day
    if version == 1:
        assert "closed_entries" not in snapshot.state
        assert first_cycle <= set(snapshot.state["entries"])
    else:
        assert set(snapshot.state["closed_entries"]) == first_cycle
        assert not first_cycle & set(snapshot.state["entries"])
    stored = app.mapper.to_stored_event(snapshot)
    loaded = app.mapper.to_domain_event(stored)
    assert isinstance(loaded, Snapshot)
    restored = loaded.mutate(None)
    assert isinstance(restored, Group)
    assert public_state(restored) == public_state(replay(events))
    # The stored snapshot is left as it was: a second load upcasts it again, the same.
    reloaded = app.mapper.to_domain_event(stored)
    assert isinstance(reloaded, Snapshot)
    again = reloaded.mutate(None)
    assert isinstance(again, Group)
    assert public_state(again) == public_state(restored)


def test_version_3_snapshots_round_trip(
    monkeypatch: pytest.MonkeyPatch, app: LedgerApplication
) -> None:
    """Version 3 kept the closed entries, packed: such a snapshot still loads with them."""
    events, first_cycle = history()
    group = replay(events)
    with monkeypatch.context() as before:
        before.setattr(Group, "class_version", 3)
        snapshot = Snapshot.take(group)  # the library's: every attribute as it is
    assert snapshot.state["class_version"] == 3
    stored = app.mapper.to_stored_event(snapshot)
    assert b"closed_entries_v4" in stored.state
    as_text = [event_id for event_id in first_cycle if event_id.encode() in stored.state]
    # Only the reversed fine (beside its reverser) and the SYE deposit (the transfer's
    # entry) are named as text; the rest are packed.
    assert group.closed_entries is not None
    named = set(group.closed_entries.reversed_by) | set(group.transfers.values())
    assert len(as_text) == 2
    assert set(as_text) == named & first_cycle
    loaded = app.mapper.to_domain_event(stored)
    assert isinstance(loaded, Snapshot)
    restored = loaded.mutate(None)
    assert isinstance(restored, Group)
    assert public_state(restored) == public_state(group)
    assert set(restored.closed_entries or ()) == first_cycle


def without_closed_entries(group: Group) -> dict[str, Any]:
    return {k: v for k, v in public_state(group).items() if k != "closed_entries"}


def restored_from(app: LedgerApplication, snapshot: Snapshot) -> Group:
    loaded = app.mapper.to_domain_event(app.mapper.to_stored_event(snapshot))
    assert isinstance(loaded, Snapshot)
    restored = loaded.mutate(None)
    assert isinstance(restored, Group)
    return restored


def test_version_4_snapshots_leave_the_closed_entries_out(app: LedgerApplication) -> None:
    events, first_cycle = history()
    group = replay(events)
    snapshot = Group.Snapshot.take(group)
    assert snapshot.state["class_version"] == 4
    assert snapshot.state["closed_entries"] is None
    assert group.closed_entries is not None  # the group itself keeps them
    assert set(group.closed_entries) == first_cycle
    stored = app.mapper.to_stored_event(snapshot)
    assert b"closed_entries_v4" not in stored.state
    assert b"entry_table_v1" in stored.state  # the open entries as one table
    assert b"entry_record_v2" not in stored.state
    assert len(stored.state) < len(app.mapper.to_stored_event(Snapshot.take(group)).state)
    restored = restored_from(app, snapshot)
    assert restored.closed_entries is None
    assert without_closed_entries(restored) == without_closed_entries(group)


def test_a_restored_group_needs_its_history_only_to_refuse_a_closed_entry(
    app: LedgerApplication,
) -> None:
    events, first_cycle = history()
    restored = restored_from(app, Group.Snapshot.take(replay(events)))
    day: dict[str, Any] = {"on": meeting(4), "meta": META, "today": TODAY}
    for event_id in [*first_cycle, str(uuid4())]:  # closed, or unknown: only history tells
        with pytest.raises(HistoryNeeded) as needed:
            restored.reverse(event_id, "wrong member", **day)
        assert needed.value.aggregate_id == restored.id
        assert not restored.pending_events
    share_out = next(e for e in events if isinstance(e, group_events.CycleSharedOut))
    assert_refused(restored, "not_reversible", lambda: restored.reverse(
        str(share_out.event_id), "wrong day", **day), "cannot be reversed")
    open_loan = next(event_id for event_id, record in restored.entries.items()
                     if record.kind == "loan_disbursed")
    reversal = restored.reverse(open_loan, "wrong member", **day)
    assert reversal.reversed_event_id == open_loan


def test_a_restored_group_sharing_out_again_leaves_its_new_closed_entries_to_the_log(
    app: LedgerApplication,
) -> None:
    events, _ = history()
    group = replay(events)
    restored = restored_from(app, Group.Snapshot.take(group))
    share_out = group.share_out(on=meeting(6), meta=META, today=TODAY)
    share_out.mutate(restored)  # the same event, as a load after it would apply it
    assert restored.closed_entries is None
    assert not restored.entries and not group.entries
    assert without_closed_entries(restored) == without_closed_entries(group)


def test_a_group_that_never_shared_out_keeps_its_empty_closed_entries(
    app: LedgerApplication,
) -> None:
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5)
    snapshot = Group.Snapshot.take(builder.group)
    assert snapshot.state["closed_entries"] == ClosedEntries()
    restored = restored_from(app, snapshot)
    assert restored.closed_entry(str(uuid4())) is None  # nothing to replay for
    assert_refused(restored, "event_not_found", lambda: restored.reverse(
        str(uuid4()), "typo", on=meeting(1), meta=META, today=TODAY), "not an entry")


def test_a_closed_cycles_loans_keep_their_ids_and_refusals() -> None:
    events, _ = history()
    group = replay(events)
    day: dict[str, Any] = {"on": meeting(4), "meta": META, "today": TODAY}
    assert_refused(group, "invalid_input", lambda: group.disburse_loan(
        "amina", ugx("1000"), 1, loan_id="L0", **day), "L0", "already taken")
    assert_refused(group, "loan_not_open",
                   lambda: group.repay_loan("L0", ugx("1"), **day), "L0", "repaid")


def test_a_reversed_loan_of_a_closed_cycle_is_still_not_found() -> None:
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5)
    group = builder.group
    lent = group.disburse_loan("bosco", ugx("5000"), 1, loan_id="LX", **AT)
    group.reverse(str(lent.event_id), "wrong member", **AT)
    group.share_out(on=meeting(3), meta=META, today=TODAY)
    assert group.closed_loans == {"LX": "reversed"}
    builder.on(meeting(4)).cycle()
    day: dict[str, Any] = {"on": meeting(4), "meta": META, "today": TODAY}
    assert_refused(group, "loan_not_found",
                   lambda: group.repay_loan("LX", ugx("1"), **day), "LX")
