"""The SAVIX export of the Tusubira union, checked against the hand-worked figures."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from projections.savix import SAVIX_COLUMNS, report_date, savix_csv, savix_rows
from projections.store import SqliteReadStore
from tests.application.support import META, build_app
from tests.projections.support import fresh_projection
from tests.projections.tusubira import record_tusubira

MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}

# As of 2026-03-31 (see tusubira): Amony's loan (6600, due 02-19) is 40 days late and not
# yet written off; Okot owes 8000 after his repayment of 03-16.
FIRST_QUARTER = {
    "report_date": "2026-03-31", "year": 2026, "quarter": 1, "group_name": "Tusubira",
    "cycle_number": 1, "cycle_start_date": "2026-01-05",
    "members_at_cycle_start": 5, "women_at_cycle_start": 3, "men_at_cycle_start": 2,
    "members": 4, "women": 3, "men": 1,  # Opio left on 02-20
    "attendance_rate": "0.8000",  # (5 + 4 + 3) ÷ (5 + 5 + 5)
    "drop_outs": 1, "savings_this_cycle": "30000",
    "loans_outstanding_number": 2, "loans_outstanding_value": "14600",  # 8000 + 6600
    "late_loans_value": "6600", "write_offs_this_cycle": "0",
    "loan_fund_cash": "41000", "social_fund_cash": "2500", "sye_deposits": "0",
    "property_value": "0", "debts": "0", "service_charge_rate_monthly": "0.10",
    "currency": "UGX",
}

# The second quarter while it runs, on 2026-04-30: Amony's loan written off (6600),
# Lanyero borrowed 4000 + 800; Okot's 8000 is now 42 days late.
SECOND_QUARTER_CHANGES = {
    "report_date": "2026-04-30", "quarter": 2, "attendance_rate": "0.7895",  # 15 ÷ 19
    "loans_outstanding_value": "12800", "late_loans_value": "8000",
    "write_offs_this_cycle": "6600", "loan_fund_cash": "37000",
}


@pytest.fixture
def exported() -> tuple[SqliteReadStore, str, str, str]:
    app = build_app(MEMORY)
    group_id = record_tusubira(app)
    union_id = app.load_group(group_id).union_id
    newcomer = app.register_group(union_id, name="Wan Aye", enterprise="bees",
                                  locality="Lira", affiliated_on=date(2026, 4, 2),
                                  meta=META).value.id
    return fresh_projection(app), str(union_id), str(group_id), str(newcomer)


def test_a_closed_quarter_is_reported_as_of_its_last_day(
    exported: tuple[SqliteReadStore, str, str, str],
) -> None:
    store, union_id, group_id, _ = exported
    with store.transaction(readonly=True) as cursor:
        rows = savix_rows(cursor, union_id, 2026, 1, today=date(2026, 11, 1))
    assert rows == [{**FIRST_QUARTER, "group_id": group_id}]  # Wan Aye joined in April


def test_a_running_quarter_is_reported_as_of_today(
    exported: tuple[SqliteReadStore, str, str, str],
) -> None:
    store, union_id, group_id, newcomer = exported
    with store.transaction(readonly=True) as cursor:
        tusubira, wan_aye = savix_rows(cursor, union_id, 2026, 2, today=date(2026, 4, 30))
    assert tusubira == {**FIRST_QUARTER, **SECOND_QUARTER_CHANGES, "group_id": group_id}
    assert wan_aye["group_id"] == newcomer
    assert wan_aye["cycle_number"] is None and wan_aye["attendance_rate"] is None
    assert wan_aye["members"] == 0 and wan_aye["loan_fund_cash"] == "0"


def test_the_csv_has_every_column_and_empty_cells_for_nothing(
    exported: tuple[SqliteReadStore, str, str, str],
) -> None:
    store, union_id, _, newcomer = exported
    with store.transaction(readonly=True) as cursor:
        text = savix_csv(cursor, union_id, 2026, 2, today=date(2026, 4, 30))
    lines = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ",".join(SAVIX_COLUMNS)
    assert [line["group_name"] for line in lines] == ["Tusubira", "Wan Aye"]
    assert lines[1]["group_id"] == newcomer and lines[1]["cycle_start_date"] == ""
    assert lines[0]["late_loans_value"] == "8000"


def test_report_dates() -> None:
    assert report_date(2026, 4, date(2027, 1, 3)) == date(2026, 12, 31)
    assert report_date(2026, 1, date(2026, 2, 10)) == date(2026, 2, 10)
    with pytest.raises(ValueError, match="has not begun"):
        report_date(2026, 3, date(2026, 6, 30))
    with pytest.raises(ValueError, match="quarter must be 1 to 4"):
        report_date(2026, 5, date(2026, 6, 30))
