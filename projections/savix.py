"""SAVIX MIS export: per group, the quarter's figures a savings-group programme reports.

One row per group of the union, as of the quarter's last day (or today, while the quarter
is running), for the cycle the group was in on that date. Every column and formula is
described in docs/INDICATORS.md. The ledger keeps no record of a group's property or
debts, so those columns are reported as 0.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from domain.indicators import ratio
from projections import asof
from projections.codec import amount_text
from projections.store import Cursor

SAVIX_COLUMNS: tuple[str, ...] = (
    "report_date", "year", "quarter", "group_id", "group_name", "cycle_number",
    "cycle_start_date", "members_at_cycle_start", "women_at_cycle_start",
    "men_at_cycle_start", "members", "women", "men", "attendance_rate", "drop_outs",
    "savings_this_cycle", "loans_outstanding_number", "loans_outstanding_value",
    "late_loans_value", "write_offs_this_cycle", "loan_fund_cash", "social_fund_cash",
    "sye_deposits", "property_value", "debts", "service_charge_rate_monthly", "currency",
)

SavixRow = dict[str, Any]


def quarter_dates(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a calendar quarter (1–4)."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1 to 4, got {quarter}")
    start = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, following - timedelta(days=1)


def report_date(year: int, quarter: int, today: date) -> date:
    """The quarter's last day, or `today` while the quarter is running."""
    start, end = quarter_dates(year, quarter)
    if today < start:
        raise ValueError(f"{year}-Q{quarter} has not begun (today is {today})")
    return min(end, today)


def savix_rows(
    cursor: Cursor, union_id: str, year: int, quarter: int, *, today: date | None = None
) -> list[SavixRow]:
    """One row per group affiliated by the report date, ordered by group name."""
    on = report_date(year, quarter, today or date.today())
    groups = cursor.fetchall(
        "SELECT group_id FROM rm_groups WHERE union_id = ? AND affiliated_on <= ? "
        "ORDER BY name, group_id",
        (union_id, on.isoformat()),
    )
    rows = []
    for (group_id,) in groups:
        figures = asof.group_figures(cursor, str(group_id), on)
        if figures is not None:
            rows.append({"report_date": on.isoformat(), "year": year, "quarter": quarter,
                         **_group_row(figures)})
    return rows


def _group_row(f: asof.GroupFigures) -> SavixRow:
    def amount(minor_units: int) -> str:
        return amount_text(minor_units, f.currency)

    cycle, loans = f.cycle, f.loans
    attendance = ratio(f.attendees, f.attendance_possible)
    return {
        "group_id": f.group_id, "group_name": f.name,
        "cycle_number": cycle.number if cycle else None,
        "cycle_start_date": cycle.started_on.isoformat() if cycle else None,
        "members_at_cycle_start": cycle.members_at_start if cycle else None,
        "women_at_cycle_start": cycle.women_at_start if cycle else None,
        "men_at_cycle_start": cycle.men_at_start if cycle else None,
        "members": f.members_count, "women": f.members.get("female", 0),
        "men": f.members.get("male", 0),
        "attendance_rate": None if attendance is None else str(attendance),
        "drop_outs": f.exits,
        "savings_this_cycle": amount(f.balance("3000")),
        "loans_outstanding_number": loans.outstanding_count,
        "loans_outstanding_value": amount(loans.outstanding),
        "late_loans_value": amount(loans.late_over_30_days),
        "write_offs_this_cycle": amount(loans.written_off),
        "loan_fund_cash": amount(f.balance("1000")),
        "social_fund_cash": amount(f.balance("1010")),
        "sye_deposits": amount(f.balance("1200")),
        "property_value": amount(0), "debts": amount(0),  # not kept by the ledger
        "service_charge_rate_monthly": cycle.service_charge_rate if cycle else None,
        "currency": f.currency,
    }


def savix_csv(
    cursor: Cursor, union_id: str, year: int, quarter: int, *, today: date | None = None
) -> str:
    """`savix_rows` as CSV text with a header line; an empty cell where a value is None."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SAVIX_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in savix_rows(cursor, union_id, year, quarter, today=today):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()
