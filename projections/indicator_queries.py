"""Indicator queries: a group's (or a union's pooled) SAVIX-style indicators as of a date."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.indicators import IndicatorInputs, Indicators, compute
from domain.money import quantum
from projections import asof
from projections.codec import money
from projections.store import Cursor

Record = dict[str, Any]

AMOUNT_INDICATORS = frozenset({"savings_this_cycle", "loans_outstanding", "average_loan_size",
                               "written_off", "surplus_this_cycle", "assets"})


def indicator_inputs(cursor: Cursor, group_id: str, as_of: date) -> IndicatorInputs | None:
    """The inputs of a group's indicators for the cycle it was in on `as_of`, as of then."""
    figures = asof.group_figures(cursor, group_id, as_of)
    return None if figures is None else inputs_from(figures)


def inputs_from(figures: asof.GroupFigures) -> IndicatorInputs:
    def units(minor_units: int) -> Decimal:
        return money(minor_units, figures.currency).amount

    cycle, loans = figures.cycle, figures.loans
    return IndicatorInputs(
        members=figures.members_count, women=figures.members.get("female", 0),
        attendees=figures.attendees, attendance_possible=figures.attendance_possible,
        members_at_start=cycle.members_at_start if cycle else 0, exits=figures.exits,
        savings=units(figures.balance("3000")),
        loans_outstanding_count=loans.outstanding_count,
        loans_outstanding=units(loans.outstanding),
        late_over_30_days=units(loans.late_over_30_days),
        loan_fund_cash=units(figures.balance("1000")),
        social_fund_cash=units(figures.balance("1010")),
        sye_deposits=units(figures.balance("1200")), disbursed=units(loans.disbursed),
        loans_disbursed_count=loans.disbursed_count, written_off=units(loans.written_off),
        surplus=units(figures.surplus_this_cycle),
        days_since_cycle_start=figures.days_since_cycle_start,
    )


def indicators_record(figures: Indicators, currency: str) -> Record:
    """Indicators as clients read them: amounts as money strings of the currency (half-up
    to its minor unit), ratios as decimal strings, counts as ints, a missing ratio as None."""
    record: Record = {}
    for item in fields(figures):
        value = getattr(figures, item.name)
        if isinstance(value, Decimal) and item.name in AMOUNT_INDICATORS:
            value = str(value.quantize(quantum(currency), ROUND_HALF_UP))
        elif isinstance(value, Decimal):
            value = str(value)
        record[item.name] = value
    record["currency"] = currency
    return record


def group_indicators(cursor: Cursor, group_id: str, as_of: date) -> Record | None:
    """The group's indicators for the cycle it was in on `as_of` (None: unknown group)."""
    figures = asof.group_figures(cursor, group_id, as_of)
    if figures is None:
        return None
    return {"group_id": group_id, "as_of": as_of.isoformat(),
            **indicators_record(compute(inputs_from(figures)), figures.currency)}


def union_indicators(cursor: Cursor, union_id: str, as_of: date) -> Record | None:
    """The union's groups pooled: Σ numerators ÷ Σ denominators (domain.indicators)."""
    found = cursor.fetchone("SELECT currency FROM rm_unions WHERE union_id = ?", (union_id,))
    if found is None:
        return None
    currency = str(found[0])
    total = IndicatorInputs.empty()
    ids = cursor.fetchall(
        "SELECT group_id FROM rm_groups WHERE union_id = ? AND affiliated_on <= ? "
        "ORDER BY group_id", (union_id, as_of.isoformat()))
    for (group_id,) in ids:
        inputs = indicator_inputs(cursor, str(group_id), as_of)
        if inputs is not None:
            total = total + inputs
    return {"union_id": union_id, "as_of": as_of.isoformat(), "groups": len(ids),
            **indicators_record(compute(total), currency)}
