"""The aggregate cache: reads beside commands never see a checked-out aggregate; its size."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from uuid import UUID

import pytest
from eventsourcing.application import LRUCache

from domain.union import Union
from tests.application.support import META, build_app, register_union
from tests.application.union_support import add_group, ugx
from union_ledger.application import LedgerApplication
from union_ledger.checkout import Attempt
from union_ledger.core import AGGREGATE_CACHE_MAXSIZE_DEFAULT

AFFILIATED_ON = date(2026, 1, 5)
CONTRIBUTIONS = 40
READS_MIN = 20  # each reader goes on until the writer is done and it read this many
READS_MAX = 10_000
JOIN_TIMEOUT_S = 60


def _union_with_group(app: LedgerApplication) -> tuple[UUID, UUID]:
    union_id = register_union(app)
    group_id = add_group(app, union_id, "Tusubira", affiliated_on=AFFILIATED_ON,
                         cash="500000")
    return union_id, group_id


def test_a_read_during_a_command_sees_the_stored_union_not_its_unsaved_change() -> None:
    app = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        union_id, group_id = _union_with_group(app)
        stored = app.load_union(union_id).version
        attempt = Attempt()
        held = app.checkouts.borrow(attempt, union_id)
        held.receive_sar_contribution(  # changed, never saved
            group_id, ugx(1000), transfer_id=UUID(int=1), on=AFFILIATED_ON, meta=META,
            today=app.today())
        assert held.pending_events
        seen: list[Union] = []
        reader = threading.Thread(target=lambda: seen.append(app.load_union(union_id)))
        reader.start()
        reader.join(JOIN_TIMEOUT_S)
        app.checkouts.give_back(attempt, saved=False)
        assert len(seen) == 1
        assert seen[0] is not held
        assert seen[0].version == stored
        assert not seen[0].pending_events
        # The refused change was dropped: the next load is the stored union again.
        assert app.load_union(union_id).version == stored
    finally:
        app.close()


def test_reads_beside_commands_on_one_union_never_fail_and_never_go_back() -> None:
    app = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        union_id, group_id = _union_with_group(app)
        done = threading.Event()
        failures: list[BaseException] = []
        seen_by_reader: list[list[int]] = [[], []]

        def write() -> None:
            try:
                for day in range(CONTRIBUTIONS):
                    app.contribute_sar(group_id, "1000", on=AFFILIATED_ON + timedelta(days=day),
                                       meta=META)
            except BaseException as error:  # reported below, never swallowed
                failures.append(error)
            finally:
                done.set()

        def read(versions: list[int]) -> None:
            try:
                while (len(versions) < READS_MIN or not done.is_set()) and (
                        len(versions) < READS_MAX):
                    union = app.load_union(union_id)
                    assert not union.pending_events
                    union.arrears_all(app.today())
                    versions.append(union.version)
            except BaseException as error:  # reported below, never swallowed
                failures.append(error)

        threads = [threading.Thread(target=write)] + [
            threading.Thread(target=read, args=(versions,)) for versions in seen_by_reader]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_TIMEOUT_S)
        assert failures == []
        final = app.load_union(union_id)
        for versions in seen_by_reader:
            assert versions
            assert versions == sorted(versions)  # a reader never sees an older union
            assert versions[-1] <= final.version
        assert final.sar_standing(group_id) == ugx(1000 * CONTRIBUTIONS)
    finally:
        app.close()


def test_the_aggregate_cache_size_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGGREGATE_CACHE_MAXSIZE", raising=False)
    default = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    monkeypatch.setenv("AGGREGATE_CACHE_MAXSIZE", "5000")
    raised = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        assert isinstance(default.repository.cache, LRUCache)
        assert isinstance(raised.repository.cache, LRUCache)
        assert default.repository.cache.maxsize == int(AGGREGATE_CACHE_MAXSIZE_DEFAULT)
        assert raised.repository.cache.maxsize == 5000
    finally:
        default.close()
        raised.close()
