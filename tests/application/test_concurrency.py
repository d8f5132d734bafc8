"""Concurrent writers on real PostgreSQL: conflicts are retried, no update is lost or doubled."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from uuid import UUID

import pytest

from domain import group_events as gev
from domain.ledger import Meta
from tests.application.support import build_app, register_demo_group, register_union
from tests.application.union_support import add_group, ugx
from union_ledger.application import LedgerApplication

META = Meta("api-worker", "req-concurrent")
COMMANDS_PER_WRITER = 25
ROUNDS_MAX = 4  # rounds of both writers, until at least one conflict was retried
BARRIER_TIMEOUT_S = 30
JOIN_TIMEOUT_S = 120
FIRST_DAY = date(2026, 2, 2)
SHARE_VALUE = 2000
FINE = 100
SAR_WRITERS = 6
SAR_PER_WRITER = 5
SAR_AMOUNT = 1000
# Small, so the writers also race to the versions that are snapshotted.
SNAPSHOT_INTERVAL = 10


@dataclass
class Writer:
    """One thread's commands and what became of each."""

    commands: list[Callable[[], object]]
    succeeded: int = 0
    errors: list[BaseException] = field(default_factory=list)


def run_together(writers: list[Writer]) -> None:
    """Run each writer in its own thread; a barrier starts their i-th commands together."""
    barrier = threading.Barrier(len(writers))

    def work(writer: Writer) -> None:
        for command in writer.commands:
            try:
                barrier.wait(BARRIER_TIMEOUT_S)
                command()
                writer.succeeded += 1
            except BaseException as error:  # reported by the test, never swallowed
                writer.errors.append(error)
                barrier.abort()  # the other writers stop too, instead of waiting
                return

    threads = [threading.Thread(target=work, args=(w,), daemon=True) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"a writer did not finish within {JOIN_TIMEOUT_S} s")


def assert_snapshots_agree(
    live: LedgerApplication, fresh: LedgerApplication, aggregate_id: UUID, version: int
) -> None:
    """One snapshot per interval, whichever writer took it, and a fresh application loads
    from the latest one the same state as the live one."""
    assert fresh.snapshots is not None
    snapshots = [s.originator_version for s in fresh.snapshots.get(aggregate_id)]
    assert snapshots == list(range(SNAPSHOT_INTERVAL, version + 1, SNAPSHOT_INTERVAL))
    assert fresh.repository.get(aggregate_id).__dict__ == (
        live.repository.get(aggregate_id).__dict__)


@pytest.fixture
def apps(postgres_env: dict[str, str]) -> Iterator[Callable[[], LedgerApplication]]:
    """Build applications on one database schema, like API processes; all closed after."""
    with ExitStack() as stack:

        def new_app() -> LedgerApplication:
            app = build_app(postgres_env, snapshot_interval=SNAPSHOT_INTERVAL)
            stack.callback(app.close)
            return app

        yield new_app


def test_two_processes_writing_one_group_lose_no_update(
    apps: Callable[[], LedgerApplication],
) -> None:
    first, second = apps(), apps()
    group_id, (akello, okot) = register_demo_group(first)
    writers: list[Writer] = []
    for round_number in range(ROUNDS_MAX):
        # A member buys at most 5 shares a meeting: one share a day, a new day each time.
        days = [FIRST_DAY + timedelta(days=round_number * COMMANDS_PER_WRITER + i)
                for i in range(COMMANDS_PER_WRITER)]
        shares = Writer([
            partial(first.buy_shares, group_id, akello, 1, on=on, meta=META) for on in days
        ])
        fines = Writer([
            partial(second.charge_fine, group_id, okot, FINE, "late", on=on, meta=META)
            for on in days
        ])
        run_together([shares, fines])
        writers += [shares, fines]
        if first.conflicts_retried + second.conflicts_retried > 0:
            break

    assert [error for w in writers for error in w.errors] == []
    assert all(w.succeeded == COMMANDS_PER_WRITER for w in writers)
    assert first.conflicts_retried + second.conflicts_retried > 0
    share_count = fine_count = len(writers) // 2 * COMMANDS_PER_WRITER
    for app in (first, second):
        group = app.load_group(group_id)
        assert group.member_savings == ugx(share_count * SHARE_VALUE)
        assert group.loan_fund_cash == ugx(20000 + share_count * SHARE_VALUE + fine_count * FINE)
    events = list(first.events.get(group_id))
    assert sum(isinstance(e, gev.SharesPurchased) for e in events) == share_count
    assert sum(isinstance(e, gev.FineCharged) for e in events) == fine_count
    assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
    assert_snapshots_agree(first, apps(), group_id, len(events))


def test_many_writers_contributing_sar_to_one_union_all_succeed(
    apps: Callable[[], LedgerApplication],
) -> None:
    setup = apps()
    union_id = register_union(setup)
    group_ids: list[UUID] = [
        add_group(setup, union_id, f"Group {n}", affiliated_on=FIRST_DAY, cash="100000")
        for n in range(SAR_WRITERS)
    ]
    # Two threads share each application, as threads of one API process would.
    workers = [apps() for _ in range(SAR_WRITERS // 2)]
    writers = [
        Writer([
            partial(workers[n // 2].contribute_sar, group_id, SAR_AMOUNT, on=FIRST_DAY,
                    meta=META)
            for _ in range(SAR_PER_WRITER)
        ])
        for n, group_id in enumerate(group_ids)
    ]
    run_together(writers)

    assert [error for w in writers for error in w.errors] == []
    assert [w.succeeded for w in writers] == [SAR_PER_WRITER] * SAR_WRITERS
    union = apps().load_union(union_id)
    total = SAR_WRITERS * SAR_PER_WRITER * SAR_AMOUNT
    assert union.relief_fund_balance() == ugx(total)
    for group_id in group_ids:
        assert union.sar_standing(group_id) == ugx(SAR_PER_WRITER * SAR_AMOUNT)
        group = setup.load_group(group_id)
        assert group.loan_fund_cash.amount == Decimal(100000 - SAR_PER_WRITER * SAR_AMOUNT)
    versions = [e.originator_version for e in setup.events.get(union_id)]
    assert versions == list(range(1, 1 + 1 + SAR_WRITERS + SAR_WRITERS * SAR_PER_WRITER))
    assert_snapshots_agree(setup, apps(), union_id, len(versions))
