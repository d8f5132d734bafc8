"""A deterministic synthetic federation: one union, its groups and their weekly meetings."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from domain import group_events as ev
from domain.group import Group
from domain.ledger import Meta
from domain.subscriptions import ScheduleChange, periods_owed
from union_ledger.application import LedgerApplication
from union_ledger.bootstrap import build_application
from union_ledger.group_cases import CycleRules
from union_ledger.settings import Settings
from union_ledger.simulation_meetings import (
    GroupSim,
    MemberProfile,
    plan_meeting,
    remember,
    whole,
)
from union_ledger.simulation_names import (
    ENTERPRISES,
    LOCALITIES,
    earnings_description,
    group_name,
    locality,
    member_name,
)
from union_ledger.union_cases import ScheduleInput

Progress = Callable[[int, int], None]

SCHEDULE = ScheduleInput("annual", 24_000, 30)
RULES = CycleRules(
    share_value=2_000, min_shares=1, max_shares=5, social_fund_contribution=500,
    service_charge_rate_monthly=Decimal("0.10"), max_loan_multiple=Decimal(3),
    max_term_months=3,
)
CYCLE_WEEKS = 52
MEMBERS_DEFAULT = (20, 30)
WOMEN_SHARE = (0.60, 0.75)
AFFILIATED_DAYS_BEFORE_CYCLE = (120, 300)  # well past the 90-day relief waiting period
MEETING_WEEKDAY_SPREAD = 5  # groups meet on different days of the week
SAR_RATE = 0.85  # chance a group pays its monthly SAR contribution
SAR_AMOUNTS = (5_000, 10_000, 10_000, 15_000, 20_000)
SYE_RATE = 0.08  # chance per meeting of enterprise earnings with an SYE deposit
GROUPS_MAX = 10_000
WEEKS_MAX = 520


@dataclass(frozen=True)
class SimulationSummary:
    """What a simulation recorded, and the global log position it reached."""

    union_id: UUID
    group_ids: tuple[UUID, ...]
    events_recorded: int
    meetings: int
    loans: int
    write_offs: int
    share_outs: int
    position: int


@dataclass
class _Counts:
    meetings: int = 0
    loans: int = 0
    write_offs: int = 0
    share_outs: int = 0


@dataclass
class _Run:
    """One simulation in progress: the application, the random source, what it counted."""

    app: LedgerApplication
    rng: random.Random
    actor: str
    union_id: UUID
    district: str
    schedule_history: list[ScheduleChange]
    counts: _Counts = field(default_factory=_Counts)

    def meta(self) -> Meta:
        return Meta(self.actor, str(uuid4()))


def simulate(
    app: LedgerApplication, *, groups: int, weeks: int, seed: int, end_on: date,
    union_code: str = "DEMO", progress: Progress | None = None, actor: str = "cli",
    closing_groups: int = 0, members: tuple[int, int] = MEMBERS_DEFAULT,
) -> SimulationSummary:
    """Record a union with `groups` groups and `weeks` weekly meetings each, the last on or
    a few days before `end_on`. The same seed and `end_on` record the same history.

    Every 52 weeks a group shares out and starts a new cycle; the first `closing_groups`
    groups also share out after their last meeting. Nothing recorded can be refused: each
    decision reads the group's state first.
    """
    _check_arguments(app, groups, weeks, end_on, members)
    start_position = app.position()
    rng = random.Random(seed)
    run = _register_union(app, rng, union_code, actor)
    offsets = [rng.randrange(MEETING_WEEKDAY_SPREAD) for _ in range(groups)]
    first_meeting = end_on - timedelta(weeks=weeks - 1)
    sims = [
        _register_group(run, index, first_meeting - timedelta(days=offsets[index]), members)
        for index in range(groups)
    ]
    for index, sim in enumerate(sims):
        _start_cycle(run, sim, 0, weeks, offsets[index], end_on, index < closing_groups)
    for week in range(weeks):
        for index, sim in enumerate(sims):
            on = end_on - timedelta(weeks=weeks - 1 - week, days=offsets[index])
            if week > 0 and week % CYCLE_WEEKS == 0:
                _start_cycle(run, sim, week, weeks, offsets[index], end_on,
                             index < closing_groups)
            _meeting(run, sim, on)
        if progress is not None:
            progress(week + 1, weeks)
    counts = run.counts
    return SimulationSummary(
        union_id=run.union_id, group_ids=tuple(sim.group_id for sim in sims),
        events_recorded=app.position() - start_position, meetings=counts.meetings,
        loans=counts.loans, write_offs=counts.write_offs, share_outs=counts.share_outs,
        position=app.position(),
    )


def seed(
    settings: Settings, groups: int, weeks: int, seed: int, progress: Progress | None = None,
    *, end_on: date | None = None,
) -> SimulationSummary:
    """Build the configured application and record a simulated federation in it, its
    last meetings on or just before `end_on` (default: the application's today)."""
    app = build_application(settings)
    try:
        return simulate(
            app, groups=groups, weeks=weeks, seed=seed, end_on=end_on or app.today(),
            union_code="SIM", progress=progress,
        )
    finally:
        app.close()


def _check_arguments(
    app: LedgerApplication, groups: int, weeks: int, end_on: date, members: tuple[int, int]
) -> None:
    if not 1 <= groups <= GROUPS_MAX:
        raise ValueError(f"groups must be 1 to {GROUPS_MAX}, got {groups}")
    if not 1 <= weeks <= WEEKS_MAX:
        raise ValueError(f"weeks must be 1 to {WEEKS_MAX}, got {weeks}")
    if end_on > app.today():
        raise ValueError(f"end_on {end_on} is after the application's today {app.today()}")
    if not 1 <= members[0] <= members[1] <= 30:
        raise ValueError(f"members per group must be a range within 1–30, got {members}")


def _register_union(
    app: LedgerApplication, rng: random.Random, code: str, actor: str
) -> _Run:
    meta = Meta(actor, str(uuid4()))
    district = rng.choice(LOCALITIES)
    union = app.register_union(
        code=code, name=f"{district} Community Livelihood Improvement Union",
        currency="UGX", schedule=SCHEDULE, policy=None, meta=meta,
    ).value
    return _Run(app, rng, actor, union.id, district, list(union.schedule_history))


def _register_group(
    run: _Run, index: int, first_meeting: date, members: tuple[int, int]
) -> GroupSim:
    """Register a group well before its first cycle, with its members and early dues."""
    rng = run.rng
    affiliated_on = first_meeting - timedelta(days=rng.randint(*AFFILIATED_DAYS_BEFORE_CYCLE))
    enterprise = rng.choice(ENTERPRISES)
    group = run.app.register_group(
        run.union_id, name=group_name(index), enterprise=enterprise,
        locality=locality(rng, run.district), affiliated_on=affiliated_on, meta=run.meta(),
    ).value
    count = rng.randint(*members)
    women = round(count * rng.uniform(*WOMEN_SHARE))
    genders = ["female"] * women + ["male"] * (count - women)
    rng.shuffle(genders)
    names: set[str] = set()
    profiles = []
    for gender in genders:
        name = member_name(rng, gender)
        while name in names:
            name = member_name(rng, gender)
        names.add(name)
        joined = run.app.join_member(
            group.id, name=name, gender=gender, joined_on=affiliated_on, meta=run.meta()
        ).value
        profiles.append(MemberProfile(
            joined.member_id, rng.uniform(0.82, 0.98), rng.choice((1, 2, 2, 3, 3, 4, 5))))
    sim = GroupSim(group.id, enterprise, affiliated_on, profiles)
    _pay_early_dues(run, sim, first_meeting)
    return sim


def _pay_early_dues(run: _Run, sim: GroupSim, first_meeting: date) -> None:
    """Enterprise earnings on affiliation pay every subscription owed before the cycle."""
    rng = run.rng
    owed = periods_owed(run.schedule_history, sim.affiliated_on, first_meeting - timedelta(1))
    amount = sum(whole(period.amount) for period in owed) + rng.randint(50, 200) * 1_000
    run.app.record_enterprise_earnings(
        sim.group_id, amount, earnings_description(sim.enterprise), on=sim.affiliated_on,
        meta=run.meta(),
    )
    for period in owed:
        paid_on = max(period.period.start, sim.affiliated_on) + timedelta(rng.randint(0, 14))
        paid_on = min(paid_on, first_meeting - timedelta(1))
        run.app.pay_subscription(
            sim.group_id, period.period.label, whole(period.amount), on=paid_on,
            meta=run.meta(),
        )
        sim.paid_periods.add(period.period.label)


def _start_cycle(
    run: _Run, sim: GroupSim, week: int, weeks: int, offset: int, end_on: date,
    closes_after_last: bool,
) -> None:
    """Start a cycle at meeting `week`; note the meeting it shares out at, if any."""
    on = end_on - timedelta(weeks=weeks - 1 - week, days=offset)
    run.app.start_cycle(sim.group_id, RULES, started_on=on, meta=run.meta())
    last_week = week + CYCLE_WEEKS - 1
    if last_week < weeks - 1:
        sim.closes_on = on + timedelta(weeks=CYCLE_WEEKS - 1)
    elif closes_after_last:
        sim.closes_on = end_on - timedelta(days=offset)
    else:
        sim.closes_on = None


def _meeting(run: _Run, sim: GroupSim, on: date) -> None:
    """One meeting sheet in one save, then the day's transfers with the union."""
    app = run.app
    plan = plan_meeting(run.rng, _read_group(app, sim.group_id), sim, on)
    outcome = app.record_meeting(
        sim.group_id, held_on=on, attendance=plan.attendance, entries=plan.entries,
        meta=run.meta(),
    )
    results = outcome.value.results
    remember(run.rng, sim, plan, results)
    counts = run.counts
    counts.meetings += 1
    counts.loans += sum(isinstance(event, ev.LoanDisbursed) for event in results)
    counts.write_offs += sum(isinstance(event, ev.LoanWrittenOff) for event in results)
    cash = _pay_subscriptions(run, sim, on, plan.cash)
    cash = _contribute_sar(run, sim, on, cash)
    _earn_and_save(run, sim, on)
    if sim.closes_on == on:
        app.share_out(sim.group_id, on=on, meta=run.meta())
        counts.share_outs += 1
        sim.closes_on = None


def _read_group(app: LedgerApplication, group_id: UUID) -> Group:
    """The group's current state, only to decide from: the cached aggregate itself (a read
    that changes nothing needs no copy of its own)."""
    group: object = app.repository.get(group_id, deepcopy_from_cache=False)
    if not isinstance(group, Group):
        return app.load_group(group_id)
    return group


def _pay_subscriptions(run: _Run, sim: GroupSim, on: date, cash: int) -> int:
    """Pay every owed period that has begun, at the first meeting with the cash for it."""
    for owed in periods_owed(run.schedule_history, sim.affiliated_on, on):
        label, amount = owed.period.label, whole(owed.amount)
        if label in sim.paid_periods or amount > cash:
            continue
        run.app.pay_subscription(sim.group_id, label, amount, on=on, meta=run.meta())
        sim.paid_periods.add(label)
        cash -= amount
    return cash


def _contribute_sar(run: _Run, sim: GroupSim, on: date, cash: int) -> int:
    """Most months, at the month's first meeting, a SAR contribution to the relief fund."""
    month = (on.year, on.month)
    if sim.last_sar_month == month:
        return cash
    sim.last_sar_month = month
    amount = run.rng.choice(SAR_AMOUNTS)
    if run.rng.random() >= SAR_RATE or amount > cash:
        return cash
    run.app.contribute_sar(sim.group_id, amount, on=on, meta=run.meta())
    return cash - amount


def _earn_and_save(run: _Run, sim: GroupSim, on: date) -> None:
    """Now and then the enterprise earns, and part of it is saved with the union as SYE."""
    rng = run.rng
    if rng.random() >= SYE_RATE:
        return
    earnings = rng.randint(60, 400) * 1_000
    run.app.record_enterprise_earnings(
        sim.group_id, earnings, earnings_description(sim.enterprise), on=on, meta=run.meta()
    )
    deposit = int(earnings * rng.uniform(0.2, 0.5)) // 1_000 * 1_000
    run.app.deposit_sye(sim.group_id, deposit, on=on, meta=run.meta())
