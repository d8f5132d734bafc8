"""SAVIX-style performance indicators: pure formulas over a group's (or union's) figures.

Each formula is the one in DESIGN.md "Indicators"; a ratio whose denominator is zero is
None, never 0 or an error. Ratios are rounded half-up to four decimal places. A union's
indicators pool its groups' figures (Σ numerators ÷ Σ denominators), so a large group
weighs more than a small one, as in the SAVIX's own federation reports.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

RATIO_PLACES = Decimal("0.0001")
PAR_DAYS = 30


@dataclass(frozen=True)
class IndicatorInputs:
    """The figures of one group's current cycle (amounts in the currency's units)."""

    members: int
    women: int
    attendees: int  # Σ attendees over the cycle's meetings
    attendance_possible: int  # Σ active members at each of those meetings
    members_at_start: int
    exits: int
    savings: Decimal
    loans_outstanding_count: int
    loans_outstanding: Decimal
    late_over_30_days: Decimal  # outstanding balance of loans > 30 days past due_on
    loan_fund_cash: Decimal
    social_fund_cash: Decimal
    sye_deposits: Decimal
    disbursed: Decimal
    loans_disbursed_count: int
    written_off: Decimal
    surplus: Decimal
    days_since_cycle_start: int

    def __add__(self, other: IndicatorInputs) -> IndicatorInputs:
        days = max(self.days_since_cycle_start, other.days_since_cycle_start)
        summed = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self) if f.name != "days_since_cycle_start"
        }
        return IndicatorInputs(**summed, days_since_cycle_start=days)

    @classmethod
    def empty(cls) -> IndicatorInputs:
        zero = Decimal(0)
        return cls(0, 0, 0, 0, 0, 0, zero, 0, zero, zero, zero, zero, zero, zero, 0, zero,
                   zero, 0)


@dataclass(frozen=True)
class Indicators:
    """The indicators of DESIGN.md. Amounts (savings, loans, average loan size, …) are in
    currency units, not yet rounded to the currency's minor unit: whoever shows them does."""

    members: int
    women_ratio: Decimal | None
    attendance_rate: Decimal | None
    drop_out_rate: Decimal | None
    savings_this_cycle: Decimal
    loans_outstanding_count: int
    loans_outstanding: Decimal
    average_loan_size: Decimal | None
    portfolio_at_risk_30: Decimal | None
    loan_fund_utilisation: Decimal | None
    write_off_ratio: Decimal | None
    written_off: Decimal
    surplus_this_cycle: Decimal
    return_on_savings: Decimal | None
    annualised_return_on_assets: Decimal | None
    assets: Decimal


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def compute(figures: IndicatorInputs) -> Indicators:
    f = figures
    assets = f.loan_fund_cash + f.social_fund_cash + f.loans_outstanding + f.sye_deposits
    roa: Decimal | None = None
    if assets != 0 and f.days_since_cycle_start > 0:
        roa = ratio(f.surplus * 365, assets * f.days_since_cycle_start)
    return Indicators(
        members=f.members,
        women_ratio=ratio(f.women, f.members),
        attendance_rate=ratio(f.attendees, f.attendance_possible),
        drop_out_rate=ratio(f.exits, f.members_at_start),
        savings_this_cycle=f.savings,
        loans_outstanding_count=f.loans_outstanding_count,
        loans_outstanding=f.loans_outstanding,
        average_loan_size=ratio(f.disbursed, f.loans_disbursed_count),
        portfolio_at_risk_30=ratio(f.late_over_30_days, f.loans_outstanding),
        loan_fund_utilisation=ratio(f.loans_outstanding, f.loans_outstanding + f.loan_fund_cash),
        write_off_ratio=ratio(f.written_off, f.disbursed),
        written_off=f.written_off,
        surplus_this_cycle=f.surplus,
        return_on_savings=ratio(f.surplus, f.savings),
        annualised_return_on_assets=roa,
        assets=assets,
    )


def days_between(start: date | None, end: date) -> int:
    return 0 if start is None else max((end - start).days, 0)
