"""Verify finds edited and deleted events in SQLite and PostgreSQL; checkpoints find more."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.sqlite import SQLiteApplicationRecorder

from domain.canonical import canonical_value
from domain.group import Group
from tests.application.support import META, RULES, TODAY, build_app, register_demo_group
from tests.support.tamper import delete_event, edit_event, run_sql
from union_ledger.application import LedgerApplication
from union_ledger.audit import end_of_day, state_at, verify
from union_ledger.checkout import fold
from union_ledger.checkpoints import CheckpointInvalid, check_against, make_checkpoint

KEY = b"checkpoint-key-kept-outside-the-database"


@pytest.fixture
def app(database_env: dict[str, str]) -> Iterator[LedgerApplication]:
    """Tampering needs a real database: SQLite and PostgreSQL (memory has none)."""
    application = build_app(database_env)
    try:
        yield application
    finally:
        application.close()


def _history(app: LedgerApplication) -> UUID:
    group_id, (akello, okot) = register_demo_group(app)
    for week in range(3):
        app.buy_shares(group_id, akello, 2, on=date(2026, 2, 2 + 7 * week), meta=META)
        app.buy_shares(group_id, okot, 1, on=date(2026, 2, 2 + 7 * week), meta=META)
    return group_id


def test_an_untouched_log_verifies(app: LedgerApplication) -> None:
    _history(app)
    report = verify(app)
    assert report.ok
    assert report.first_broken is None
    assert report.events_checked == app.position()


def test_an_edited_event_is_named_by_aggregate_and_version(
    app: LedgerApplication,
) -> None:
    group_id = _history(app)
    # Version 5 of the group is the 20000 of enterprise earnings: make it 90000.
    edit_event(app, group_id, 5, b'"20000"', b'"90000"')
    report = verify(app)
    assert not report.ok
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (group_id, 5)


def test_a_deleted_event_in_the_middle_is_found(
    app: LedgerApplication,
) -> None:
    group_id = _history(app)
    delete_event(app, group_id, 7)
    report = verify(app)
    assert not report.ok
    assert report.first_broken is not None
    assert (report.first_broken.aggregate_id, report.first_broken.version) == (group_id, 8)
    assert "missing" in report.first_broken.reason


def test_a_checkpoint_finds_a_dropped_newest_event(
    app: LedgerApplication,
) -> None:
    group_id = _history(app)
    newest = app.load_group(group_id).version
    checkpoint = make_checkpoint(app, KEY)
    assert check_against(app, checkpoint, KEY) == []
    delete_event(app, group_id, newest)
    assert verify(app).ok  # the chain alone cannot tell
    problems = check_against(app, checkpoint, KEY)
    assert [(p.aggregate_id, p.version) for p in problems] == [(str(group_id), newest)]


def test_a_checkpoint_finds_a_consistently_rewritten_chain(
    app: LedgerApplication,
) -> None:
    """Someone with database access deletes a group's history and records a different one
    under the same id, with hashes that chain: the chain verifies, the checkpoint does not."""
    group_id = _history(app)
    checkpoint = make_checkpoint(app, KEY)
    _rewrite_history(app, group_id)
    assert verify(app).ok
    problems = check_against(app, checkpoint, KEY)
    assert problems and problems[0].reason.startswith("the chain was rewritten")


def test_a_checkpoint_with_a_wrong_key_or_edited_body_is_refused(
    app: LedgerApplication,
) -> None:
    _history(app)
    checkpoint = make_checkpoint(app, KEY)
    with pytest.raises(CheckpointInvalid):
        check_against(app, checkpoint, b"another key")
    checkpoint["position"] = 1
    with pytest.raises(CheckpointInvalid):
        check_against(app, checkpoint, KEY)


def _rewrite_history(app: LedgerApplication, group_id: UUID) -> None:
    original = app.load_group(group_id)
    run_sql(app, "DELETE FROM {table} WHERE originator_id = ?",
            "DELETE FROM {table} WHERE originator_id = %s",
            (group_id.hex if persistence_is_sqlite(app) else group_id,))
    forged = Group.register(
        union_id=original.union_id, name=original.name, enterprise="forged",
        locality=original.locality, affiliated_on=original.affiliated_on,
        currency=original.currency, meta=META, today=TODAY, group_id=group_id,
    )
    for _ in range(original.version - 1):
        forged.join_member(name="Nobody", gender="male", joined_on=original.affiliated_on,
                           meta=META, today=TODAY)
    app.save(forged)


def persistence_is_sqlite(app: LedgerApplication) -> bool:
    return isinstance(app.recorder, SQLiteApplicationRecorder)


def test_state_at_a_version_and_at_a_moment(app: LedgerApplication) -> None:
    group_id = _history(app)
    fifth = state_at(app, group_id, version=5)
    assert fifth is not None
    assert fifth.version == 5
    assert fifth.state["loan_fund_cash"] == {"amount": "20000", "currency": "UGX"}
    events = list(app.events.get(group_id))
    moment = events[6].timestamp  # type: ignore[attr-defined]
    at_moment = state_at(app, group_id, moment=moment)
    assert at_moment is not None
    assert at_moment.version == 7
    assert at_moment.chain_hash == events[6].chain_hash  # type: ignore[attr-defined]
    before = state_at(app, group_id, moment=end_of_day(date(2020, 1, 1)))
    assert before is None
    assert state_at(app, group_id, moment=end_of_day(date(2099, 1, 1))) is not None


def test_state_at_holds_what_the_snapshot_left_out(database_env: dict[str, str]) -> None:
    """A group's snapshots leave its closed cycles' entries out; the auditor's state at a
    version after a share-out still holds them, as replaying the events gives them."""
    app = build_app(database_env, snapshot_interval=5)
    try:
        group_id = _history(app)
        app.share_out(group_id, on=date(2026, 3, 2), meta=META)
        app.start_cycle(group_id, RULES, started_on=date(2026, 3, 9), meta=META)
        group = app.load_group(group_id)
        for week in range(6):
            app.buy_shares(group_id, group.active_members()[0].member_id, 1,
                           on=date(2026, 3, 9) + timedelta(weeks=week), meta=META)
        assert app.snapshots is not None
        latest: Any = next(iter(app.snapshots.get(group_id, desc=True, limit=1)))
        assert latest.state["closed_entries"] is None  # left out of the snapshot itself
        replayed: Any = fold(None, app.events.get(group_id))
        assert replayed.closed_entries  # the first cycle's purchases and earnings
        for version in (latest.originator_version, replayed.version):
            found = state_at(app, group_id, version=version)
            assert found is not None
            assert found.version == version
            assert found.state["closed_entries"] == canonical_value(replayed.closed_entries)
    finally:
        app.close()
