"""The demo union: seeded once into an empty SQLite store, with every feature on show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from union_ledger.application import LedgerApplication
from union_ledger.bootstrap import build_application
from union_ledger.demo import DemoSummary, seed_demo
from union_ledger.settings import Settings, load_settings
from union_ledger.simulation import SimulationSummary

TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    path: Path = tmp_path_factory.mktemp("demo") / "ledger.sqlite3"
    return load_settings(persistence="sqlite", sqlite_path=path)


@pytest.fixture(scope="module")
def demo(settings: Settings) -> DemoSummary:
    return seed_demo(settings, today=TODAY)


@pytest.fixture
def app(settings: Settings, demo: DemoSummary) -> Iterator[LedgerApplication]:
    application = build_application(settings, clock=lambda: TODAY)
    yield application
    application.close()


def simulation_of(demo: DemoSummary) -> SimulationSummary:
    assert demo.created and demo.simulation is not None
    return demo.simulation


def test_the_demo_has_five_groups_of_at_least_twenty_members(
    demo: DemoSummary, app: LedgerApplication
) -> None:
    group_ids = simulation_of(demo).group_ids
    assert len(group_ids) >= 5
    for group_id in group_ids:
        assert len(app.load_group(group_id).active_members()) >= 20


def test_the_first_group_shared_out_its_year(demo: DemoSummary, app: LedgerApplication) -> None:
    groups = [app.load_group(group_id) for group_id in simulation_of(demo).group_ids]
    closed = [group for group in groups if group.cycles and group.cycles[0].closed_on]
    assert [group.id for group in closed] == [groups[0].id]
    assert all(group.open_cycle is not None for group in groups[1:])


def test_the_demo_has_late_loans_and_a_write_off(
    demo: DemoSummary, app: LedgerApplication
) -> None:
    loans = [
        loan for group_id in simulation_of(demo).group_ids
        for loan in app.load_group(group_id).loans.values()
    ]
    late = [loan for loan in loans
            if loan.status == "open" and loan.due_on < TODAY and not loan.outstanding.is_zero]
    assert late
    assert any(loan.status == "written_off" for loan in loans)
    assert simulation_of(demo).write_offs >= 1


def test_the_flood_was_paid_within_entitlement(
    demo: DemoSummary, app: LedgerApplication
) -> None:
    union = app.load_union(simulation_of(demo).union_id)
    assert demo.hazard_id is not None
    hazard = union.hazard(demo.hazard_id)
    assert len(hazard.affected_group_ids) == 2
    entitlement = union.entitlement(demo.hazard_id, hazard.affected_group_ids[0])
    assert entitlement.eligible
    assert 0 < demo.relief_paid <= int(entitlement.base.amount)
    assert int(entitlement.paid.amount) == demo.relief_paid
    assert union.arrears_all(TODAY) == {}


def test_a_second_call_records_nothing(
    settings: Settings, demo: DemoSummary, app: LedgerApplication
) -> None:
    before = app.position()
    again = seed_demo(settings, today=TODAY)
    assert not again.created
    assert "nothing recorded" in str(again)
    assert app.position() == before == app.recorder.max_notification_id()
