"""Indicators of a small group, checked against figures worked out by hand (see tusubira)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from projections import queries
from tests.application.support import build_app
from tests.projections.support import fresh_projection
from tests.projections.tusubira import record_tusubira

AS_OF = date(2026, 4, 30)
MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def test_indicators_match_the_hand_computed_figures() -> None:
    app = build_app(MEMORY)
    group_id = record_tusubira(app)
    store = fresh_projection(app)
    with store.transaction(readonly=True) as cursor:
        found = queries.group_indicators(cursor, str(group_id), AS_OF)
    assert found == {
        "group_id": str(group_id), "as_of": "2026-04-30", "currency": "UGX",
        "members": 4,  # Opio left
        "women_ratio": "0.7500",  # 3 women ÷ 4 members
        "attendance_rate": "0.7895",  # (5 + 4 + 3 + 3) ÷ (5 + 5 + 5 + 4) = 15 ÷ 19
        "drop_out_rate": "0.2000",  # 1 exit ÷ 5 members at the cycle's start
        "savings_this_cycle": "30000",  # 16 shares × 2000 − Opio's 2000
        "loans_outstanding_count": 2,  # Okot, Lanyero
        "loans_outstanding": "12800",  # Okot 8000 + Lanyero 4000 + 800 charge
        "average_loan_size": "10000",  # (20000 + 10000 + 6000 + 4000) ÷ 4 loans
        "portfolio_at_risk_30": "0.6250",  # Okot's 8000, due 03-19 (42 days) ÷ 12800
        "loan_fund_utilisation": "0.2570",  # 12800 ÷ (12800 + 37000 cash) = 0.25703
        "write_off_ratio": "0.1650",  # 6600 ÷ 40000 disbursed
        "written_off": "6600",
        # income: charges 2000 + 2000 + 600 + 800, fine 1000, earnings 20000 = 26400;
        # expenses: the write-off 6600
        "surplus_this_cycle": "19800",
        "return_on_savings": "0.6600",  # 19800 ÷ 30000
        # assets: 37000 loan fund + 2500 social fund + 12800 loans + 0 SYE = 52300
        # (= savings 30000 + social fund 2500 + surplus 19800); 115 days since 01-05:
        # 19800 ÷ 52300 × 365 ÷ 115 = 1.20160
        "annualised_return_on_assets": "1.2016",
        "assets": "52300",
    }


def test_union_indicators_pool_their_groups_and_nulls_stay_null() -> None:
    app = build_app(MEMORY)
    group_id = record_tusubira(app)
    union_id = app.load_group(group_id).union_id
    store = fresh_projection(app)
    with store.transaction(readonly=True) as cursor:
        group = queries.group_indicators(cursor, str(group_id), AS_OF)
        pooled = queries.union_indicators(cursor, str(union_id), AS_OF)
        before_any_cycle = queries.group_indicators(cursor, str(group_id), date(2026, 1, 4))
    assert group is not None and pooled is not None and before_any_cycle is not None
    assert pooled["groups"] == 1
    assert {k: v for k, v in pooled.items() if k not in ("union_id", "groups")} == {
        k: v for k, v in group.items() if k != "group_id"}
    # Before the cycle: no meetings, no members at start, no loans, no assets: every ratio
    # with a zero denominator is null, never 0.
    assert before_any_cycle["attendance_rate"] is None
    assert before_any_cycle["drop_out_rate"] is None
    assert before_any_cycle["average_loan_size"] is None
    assert before_any_cycle["annualised_return_on_assets"] is None
    assert before_any_cycle["members"] == 0
    assert Decimal(before_any_cycle["assets"]) == 0
