"""The group use cases, run unchanged against in-memory, SQLite and PostgreSQL stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.application import LRUCache

from domain import errors
from domain.ledger import Meta
from tests.application.support import build_app, register_demo_group
from tests.support.persistence import event_store_bytes
from union_ledger.application import LedgerApplication
from union_ledger.group_cases import MeetingEntry

META = Meta("test-key", "req-1")


@pytest.fixture
def app(persistence_env: dict[str, str]) -> Iterator[LedgerApplication]:
    application = build_app(persistence_env)
    try:
        yield application
    finally:
        application.close()


def test_a_meeting_sheet_is_booked_whole_and_replays(app: LedgerApplication) -> None:
    group_id, (akello, okot) = register_demo_group(app)
    held_on = date(2026, 2, 2)
    outcome = app.record_meeting(
        group_id, held_on=held_on, attendance=[akello, okot], meta=META,
        entries=[
            MeetingEntry("share_purchase", member_id=akello, shares=5),
            MeetingEntry("share_purchase", member_id=okot, shares=3),
            MeetingEntry("social_fund_contribution", member_id=akello, amount="500"),
            MeetingEntry("loan", member_id=akello, principal="20000", term_months=2),
        ],
    )
    assert len(outcome.value.results) == 4
    assert outcome.position >= 1
    group = app.load_group(group_id)
    # 8 shares × 2000 = 16000 in, on top of the demo group's 20000 of earnings; Akello's
    # limit is 3 × 10000 = 30000, so the 20000 loan goes out of the 36000 in the box.
    assert group.member_savings.amount == Decimal(16000)
    assert group.loan_fund_cash.amount == Decimal(20000 + 16000 - 20000)
    assert group.social_fund_cash.amount == Decimal(500)
    loan = next(iter(group.loans.values()))
    assert loan.service_charge.amount == Decimal(4000)  # 20000 × 10 % × 2 months


def test_a_refused_entry_books_none_of_the_meeting(app: LedgerApplication) -> None:
    group_id, (akello, okot) = register_demo_group(app)
    before = event_store_bytes(app)
    with pytest.raises(errors.LoanLimitExceeded) as refused:
        app.record_meeting(
            group_id, held_on=date(2026, 2, 2), attendance=[akello], meta=META,
            entries=[
                MeetingEntry("share_purchase", member_id=akello, shares=1),
                MeetingEntry("loan", member_id=okot, principal="10000", term_months=1),
            ],
        )
    assert refused.value.details["entry_index"] == 1
    assert "entry 1 (loan)" in refused.value.message
    assert event_store_bytes(app) == before


def test_refused_commands_leave_the_store_byte_identical(app: LedgerApplication) -> None:
    group_id, (akello, _okot) = register_demo_group(app)
    app.buy_shares(group_id, akello, 5, on=date(2026, 2, 2), meta=META)
    before = event_store_bytes(app)
    refusals: list[tuple[type[errors.DomainError], Callable[[], object]]] = [
        (errors.InvalidAmount, lambda: app.charge_fine(
            group_id, akello, "1.5", "late", on=date(2026, 2, 2), meta=META)),
        (errors.DateInFuture, lambda: app.buy_shares(
            group_id, akello, 1, on=date(2099, 1, 1), meta=META)),
        (errors.MemberNotFound, lambda: app.buy_shares(
            group_id, "nobody", 1, on=date(2026, 2, 2), meta=META)),
        (errors.GroupNotFound, lambda: app.buy_shares(
            UUID(int=7), akello, 1, on=date(2026, 2, 2), meta=META)),
        (errors.InsufficientLoanFund, lambda: app.contribute_sar(
            group_id, "40000", on=date(2026, 2, 2), meta=META)),
        (errors.LoanLimitExceeded, lambda: app.disburse_loan(
            group_id, akello, "30001", 2, on=date(2026, 2, 2), meta=META)),
    ]
    for error_class, command in refusals:
        with pytest.raises(error_class):
            command()
    assert event_store_bytes(app) == before


def test_group_state_survives_snapshots_and_reload(persistence_env: dict[str, str]) -> None:
    app = build_app(persistence_env, snapshot_interval=5)
    in_memory = persistence_env["PERSISTENCE_MODULE"] == "eventsourcing.popo"
    fresh = app if in_memory else build_app(persistence_env, snapshot_interval=5)
    try:
        group_id, (akello, _okot) = register_demo_group(app)
        for week in range(6):
            app.buy_shares(group_id, akello, 2, on=date(2026, 2, 2 + week), meta=META)
        live = app.load_group(group_id)
        cache = fresh.repository.cache
        if isinstance(cache, LRUCache):  # LRUCache.clear() keeps its entries: replace it
            fresh.repository.cache = LRUCache(maxsize=cache.maxsize)
        assert fresh.snapshots is not None
        snapshots = list(fresh.snapshots.get(group_id))
        assert [s.originator_version for s in snapshots] == [5, 10]
        assert fresh.load_group(group_id).__dict__ == live.__dict__
    finally:
        app.close()
        if fresh is not app:
            fresh.close()
