"""The synthetic federation: deterministic, never refused, and shaped like real groups."""

from __future__ import annotations

from collections import Counter
from datetime import date
from uuid import UUID

import pytest

from domain import group_events as ev
from domain.ledger import LedgerAggregate
from union_ledger import cli
from union_ledger.application import LedgerApplication
from union_ledger.bootstrap import build_application
from union_ledger.settings import load_settings
from union_ledger.simulation import SimulationSummary, simulate

TODAY = date(2026, 3, 2)
END_ON = date(2026, 2, 27)
MEETING_ENTRY_EVENTS = (
    ev.SharesPurchased, ev.SocialFundContributed, ev.SocialFundGrantPaid, ev.LoanDisbursed,
    ev.LoanRepaid, ev.FineCharged, ev.LoanWrittenOff,
)

History = list[tuple[str, str, date]]


def memory_app() -> LedgerApplication:
    return build_application(load_settings(persistence="memory"), clock=lambda: TODAY)


def events(app: LedgerApplication) -> list[LedgerAggregate.Event]:
    notifications = app.recorder.select_notifications(start=1, limit=app.position())
    decoded = [app.mapper.to_domain_event(notification) for notification in notifications]
    return [event for event in decoded if isinstance(event, LedgerAggregate.Event)]


def history(app: LedgerApplication) -> History:
    """(aggregate type, event class, business date) of every event, in log order."""
    return [
        ("Union" if type(event).__qualname__.startswith("Union.") else "Group",
         type(event).__name__, event.on)
        for event in events(app)
    ]


def balances(app: LedgerApplication, summary: SimulationSummary) -> list[tuple[str, ...]]:
    rows = []
    for group_id in summary.group_ids:
        group = app.load_group(group_id)
        rows.append(tuple(str(amount) for amount in (
            group.loan_fund_cash, group.social_fund_cash, group.loans_outstanding,
            group.sye_balance, group.sar_standing, group.member_savings, group.surplus)))
    return rows


def run(seed: int, groups: int = 3, weeks: int = 10) -> tuple[History, list[tuple[str, ...]]]:
    app = memory_app()
    summary = simulate(app, groups=groups, weeks=weeks, seed=seed, end_on=END_ON)
    return history(app), balances(app, summary)


@pytest.fixture(scope="module")
def seven() -> tuple[History, list[tuple[str, ...]]]:
    return run(seed=7)


def test_the_same_seed_records_the_same_history_and_balances(
    seven: tuple[History, list[tuple[str, ...]]],
) -> None:
    again = run(seed=7)
    assert again[0] == seven[0]
    assert again[1] == seven[1]


def test_another_seed_records_another_history(
    seven: tuple[History, list[tuple[str, ...]]],
) -> None:
    assert run(seed=8)[0] != seven[0]


@pytest.fixture(scope="module")
def small_run() -> tuple[LedgerApplication, SimulationSummary, list[tuple[int, int]]]:
    app = memory_app()
    ticks: list[tuple[int, int]] = []
    summary = simulate(app, groups=3, weeks=10, seed=11, end_on=END_ON,
                       progress=lambda done, total: ticks.append((done, total)))
    return app, summary, ticks


def test_a_small_run_holds_plausible_meetings(
    small_run: tuple[LedgerApplication, SimulationSummary, list[tuple[int, int]]],
) -> None:
    app, summary, ticks = small_run
    assert summary.meetings == 30
    assert ticks == [(week, 10) for week in range(1, 11)]
    assert summary.events_recorded == summary.position == app.position()
    per_meeting = Counter(
        (event.originator_id, event.on) for event in events(app)
        if isinstance(event, (ev.MeetingHeld, *MEETING_ENTRY_EVENTS))
    )
    sizes = list(per_meeting.values())
    assert len(sizes) == 30
    assert all(25 <= size <= 120 for size in sizes)
    assert 35 <= sum(sizes) / len(sizes) <= 90
    for group_id in summary.group_ids:
        group = app.load_group(group_id)
        members = group.active_members()
        assert 20 <= len(members) <= 30
        women = sum(member.gender == "female" for member in members)
        assert 0.55 <= women / len(members) <= 0.8
        assert (group.affiliated_on - END_ON).days <= -90 - 7 * 10


def test_a_small_run_lends_and_is_repaid(
    small_run: tuple[LedgerApplication, SimulationSummary, list[tuple[int, int]]],
) -> None:
    app, summary, _ = small_run
    kinds = Counter(type(event).__name__ for event in events(app))
    assert summary.loans == kinds["LoanDisbursed"] > 0
    assert kinds["LoanRepaid"] > 0
    assert kinds["SarContributed"] == kinds["SarContributionReceived"] > 0
    assert kinds["SubscriptionPaid"] == kinds["SubscriptionReceived"] > 0
    union = app.load_union(summary.union_id)
    assert union.arrears_all(TODAY) == {}
    for group_id in summary.group_ids:
        group = app.load_group(group_id)
        for loan in group.loans.values():
            assert loan.principal <= group.cycles[-1].share_value.times(3 * 5 * 10)


def test_a_longer_run_shares_out_and_starts_a_second_cycle() -> None:
    app = memory_app()
    summary = simulate(app, groups=2, weeks=60, seed=3, end_on=END_ON, members=(10, 10))
    assert summary.share_outs == 2
    assert summary.meetings == 120
    for group_id in summary.group_ids:
        group = app.load_group(group_id)
        first, second = group.cycles
        assert first.closed_on is not None and second.is_open
        assert (second.started_on - first.closed_on).days == 7
        assert all(loan.status != "open" for loan in group.loans.values()
                   if loan.cycle_number == 1)
    shared_out = [event for event in events(app) if isinstance(event, ev.CycleSharedOut)]
    assert [event.cycle_number for event in shared_out] == [1, 1]


def test_the_first_groups_can_close_their_cycle_at_the_end() -> None:
    app = memory_app()
    summary = simulate(app, groups=2, weeks=6, seed=4, end_on=END_ON, closing_groups=1)
    closed, still_open = (app.load_group(group_id) for group_id in summary.group_ids)
    assert summary.share_outs == 1
    assert closed.open_cycle is None and closed.loans_outstanding.is_zero
    assert still_open.open_cycle is not None


def test_simulate_refuses_to_record_the_future() -> None:
    with pytest.raises(ValueError, match="after the application's today"):
        simulate(memory_app(), groups=1, weeks=1, seed=1, end_on=date(2026, 3, 3))


def test_the_seed_command_prints_a_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNION_LEDGER_PERSISTENCE", "memory")
    assert cli.main(["seed", "--groups", "2", "--weeks", "3", "--seed", "5"]) == 0
    captured = capsys.readouterr()
    assert "2 groups, 6 meetings" in captured.out
    assert "events/s" in captured.out
    assert "weeks: 3/3 (100%)" in captured.err
    UUID(captured.out.split("union ")[1].split(":")[0])
