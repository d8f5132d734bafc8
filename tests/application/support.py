"""Builders for application tests: an application per backend and a small demo group."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.ledger import Meta
from union_ledger.application import LedgerApplication
from union_ledger.group_cases import CycleRules
from union_ledger.union_cases import ScheduleInput

TODAY = date(2026, 11, 1)
META = Meta("test-key", "req-setup")
RULES = CycleRules(
    share_value="2000", min_shares=1, max_shares=5, social_fund_contribution="500",
    service_charge_rate_monthly=Decimal("0.10"), max_loan_multiple=Decimal(3),
    max_term_months=3,
)


def build_app(env: dict[str, str], *, snapshot_interval: int = 100) -> LedgerApplication:
    return LedgerApplication(env, snapshot_interval=snapshot_interval, clock=lambda: TODAY)


def register_union(app: LedgerApplication, code: str = "GUL") -> UUID:
    union = app.register_union(
        code=code, name=f"{code} union", currency="UGX",
        schedule=ScheduleInput("annual", "12000", 30), policy=None, meta=META,
    ).value
    return union.id


def register_demo_group(
    app: LedgerApplication, union_id: UUID | None = None
) -> tuple[UUID, tuple[str, str]]:
    """A group affiliated 2026-01-05 with two members, an open cycle and 20000 of earnings."""
    union_id = union_id or register_union(app)
    group_id = app.register_group(
        union_id, name="Tusubira", enterprise="poultry", locality="Gulu",
        affiliated_on=date(2026, 1, 5), meta=META,
    ).value.id
    akello = app.join_member(group_id, name="Akello", gender="female",
                             joined_on=date(2026, 1, 5), meta=META).value.member_id
    okot = app.join_member(group_id, name="Okot", gender="male",
                           joined_on=date(2026, 1, 5), meta=META).value.member_id
    app.start_cycle(group_id, RULES, started_on=date(2026, 1, 5), meta=META)
    app.record_enterprise_earnings(group_id, "20000", "egg sales", on=date(2026, 1, 5),
                                   meta=META)
    return group_id, (akello, okot)
