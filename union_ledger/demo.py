"""The demonstration union: a year of realistic records, seeded once into an empty store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from domain.errors import InvariantViolation
from domain.ledger import Meta
from domain.union import Union
from union_ledger.application import LedgerApplication
from union_ledger.bootstrap import build_application
from union_ledger.core import business_today
from union_ledger.settings import Settings
from union_ledger.simulation import Progress, SimulationSummary, simulate

DEMO_SEED = 20_240_601  # fixed: the demo is the same every time, but for its dates
DEMO_GROUPS = 5
DEMO_WEEKS = 52  # one cycle of weekly meetings
DEMO_MEMBERS = (20, 20)
DEMO_CLOSING_GROUPS = 1  # the first group shares out at the end of its cycle
ACTOR = "cli"
LAST_MEETING_DAYS_AGO = 10
HAZARD_DAYS_AGO = 6
PAYOUT_DAYS_AGO = 4
DONOR = "Northern Uganda Resilience Trust"
GRANT_AMOUNT = 2_000_000
PAYOUT_SHARE = Decimal("0.8")  # the relief officer pays most, not all, of the entitlement


@dataclass(frozen=True)
class DemoSummary:
    """What `seed_demo` did: the demo it recorded, or that the store already held data."""

    created: bool
    message: str
    simulation: SimulationSummary | None = None
    hazard_id: UUID | None = None
    relief_paid: int = 0

    def __str__(self) -> str:
        return self.message


def seed_demo(
    settings: Settings, *, today: date | None = None, progress: Progress | None = None
) -> DemoSummary:
    """Seed the demo union into an empty store; a store with any event is left as it is.

    `today` (default: the business date now) sets the dates: the last meetings are ten days
    before it. `progress(done, total)` is told of each simulated week.
    """
    clock = business_today if today is None else (lambda: today)
    app = build_application(settings, clock=clock)
    try:
        position = app.position()
        if position:
            return DemoSummary(False, f"demo: the store already holds {position} events; "
                                      "nothing recorded")
        return _record_demo(app, progress)
    finally:
        app.close()


def _record_demo(app: LedgerApplication, progress: Progress | None) -> DemoSummary:
    end_on = app.today() - timedelta(days=LAST_MEETING_DAYS_AGO)
    summary = simulate(
        app, groups=DEMO_GROUPS, weeks=DEMO_WEEKS, seed=DEMO_SEED, end_on=end_on,
        union_code="DEMO", progress=progress, actor=ACTOR,
        closing_groups=DEMO_CLOSING_GROUPS, members=DEMO_MEMBERS,
    )
    grant_on = end_on - timedelta(weeks=DEMO_WEEKS // 2)
    app.receive_relief_fund_grant(summary.union_id, DONOR, GRANT_AMOUNT, on=grant_on,
                                  meta=_meta())
    hazard_id, paid = _flood_and_relief(app, summary)
    message = (
        f"demo: union DEMO recorded with {len(summary.group_ids)} groups, "
        f"{summary.meetings} meetings, {summary.loans} loans ({summary.write_offs} written "
        f"off), {summary.share_outs} share-out, a flood and {paid} UGX of relief paid; "
        f"{app.position()} events"
    )
    return DemoSummary(True, message, summary, hazard_id, paid)


def _flood_and_relief(app: LedgerApplication, summary: SimulationSummary) -> tuple[UUID, int]:
    """A flood affecting the second and third groups, and relief to the first of them."""
    affected = list(summary.group_ids[1:3])
    declared_on = app.today() - timedelta(days=HAZARD_DAYS_AGO)
    declared = app.declare_hazard(
        summary.union_id, kind="flood",
        description="Heavy rains flooded gardens, granaries and homes along the river",
        declared_on=declared_on, affected_group_ids=affected, meta=_meta(),
    ).value
    if not isinstance(declared, Union.HazardDeclared):
        raise InvariantViolation(f"declaring a hazard recorded {type(declared).__name__}")
    hazard_id = declared.hazard_id
    union = app.load_union(summary.union_id)
    entitlement = union.entitlement(hazard_id, affected[0]).entitlement
    fund = union.relief_fund_balance()
    amount = int(entitlement.min(fund).amount * PAYOUT_SHARE) // 1_000 * 1_000
    if amount > 0:
        app.pay_relief(summary.union_id, hazard_id, affected[0], amount,
                       on=app.today() - timedelta(days=PAYOUT_DAYS_AGO), meta=_meta())
    return hazard_id, amount


def _meta() -> Meta:
    return Meta(ACTOR, str(uuid4()))
