"""Loans' status and closing dates, cycle statistics under reversals, passbook balances."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

import pytest

from domain import group_events as ev
from projections.store import SqliteReadStore
from tests.application.support import META, RULES, build_app, register_demo_group
from tests.projections.support import fresh_projection
from union_ledger.application import LedgerApplication
from union_ledger.union_cases import ScheduleInput


def day(month: int, day_of_month: int) -> date:
    return date(2026, month, day_of_month)


def lend(app: LedgerApplication, group_id: UUID, member: str, principal: str, months: int,
         on: date) -> ev.LoanDisbursed:
    return app.disburse_loan(group_id, member, principal, months, on=on, meta=META).value


@pytest.fixture
def recorded() -> tuple[SqliteReadStore, dict[str, str], UUID]:
    """Akello's loan is written off, put back and repaid; Okot leaves, his loan settled;
    Amony's first loan is reversed, her second settled by the share-out."""
    app = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    group_id, (akello, okot) = register_demo_group(app)
    amony = app.join_member(group_id, name="Amony", gender="female", joined_on=day(2, 2),
                            meta=META).value.member_id
    for member, shares in ((akello, 5), (okot, 2), (amony, 3)):
        app.buy_shares(group_id, member, shares, on=day(2, 2), meta=META)
    loans = {"akello": lend(app, group_id, akello, "6000", 1, day(2, 2)).loan_id,
             "okot": lend(app, group_id, okot, "3000", 2, day(2, 2)).loan_id}
    first = lend(app, group_id, amony, "2000", 1, day(2, 2))
    loans["amony_reversed"] = first.loan_id
    app.reverse_group_entry(group_id, first.event_id, "wrong member", on=day(2, 3), meta=META)
    extra = app.buy_shares(group_id, okot, 1, on=day(2, 9), meta=META).value
    app.reverse_group_entry(group_id, extra.event_id, "not paid", on=day(2, 9), meta=META)
    app.repay_loan(group_id, loans["akello"], "1000", on=day(2, 16), meta=META)
    app.exit_member(group_id, okot, on=day(2, 23), meta=META)
    written = app.write_off_loan(group_id, loans["akello"], "gone", on=day(3, 9), meta=META)
    app.reverse_group_entry(group_id, written.value.event_id, "back", on=day(3, 9), meta=META)
    app.repay_loan(group_id, loans["akello"], "5600", on=day(3, 16), meta=META)
    loans["amony"] = lend(app, group_id, amony, "2000", 1, day(3, 23)).loan_id
    app.share_out(group_id, on=day(3, 30), meta=META)
    return fresh_projection(app), {**loans, "okot_member": okot}, group_id


def test_each_loan_keeps_the_date_and_status_of_its_own_closing(
    recorded: tuple[SqliteReadStore, dict[str, str], UUID],
) -> None:
    store, ids, _ = recorded
    with store.transaction(readonly=True) as cursor:
        rows = {loan_id: cursor.fetchone(
            "SELECT status, closed_on, outstanding, written_off FROM rm_loans "
            "WHERE loan_id = ?", (loan_id,)) for key, loan_id in ids.items()
            if key != "okot_member"}
    assert rows == {
        ids["akello"]: ("repaid", "2026-03-16", 0, 0),  # the write-off was reversed
        ids["okot"]: ("settled", "2026-02-23", 0, 0),  # at his exit, not at the share-out
        ids["amony_reversed"]: ("reversed", "2026-02-03", 0, 0),
        ids["amony"]: ("settled", "2026-03-30", 0, 0),  # by the share-out
    }


def test_cycle_statistics_leave_out_what_was_reversed(
    recorded: tuple[SqliteReadStore, dict[str, str], UUID],
) -> None:
    store, _, group_id = recorded
    with store.transaction(readonly=True) as cursor:
        row = cursor.fetchone(
            "SELECT members_at_start, women_at_start, men_at_start, exits, disbursed, "
            "loans_count, written_off, closed_on FROM rm_cycles WHERE group_id = ?",
            (str(group_id),))
    # Amony joined after the start; loans: 6000 + 3000 + 2000 (her reversed 2000 is out);
    # Akello's write-off was reversed.
    assert row == (2, 1, 1, 1, 11000, 3, 0, "2026-03-30")


def test_the_passbook_runs_its_balances_line_by_line(
    recorded: tuple[SqliteReadStore, dict[str, str], UUID],
) -> None:
    store, ids, group_id = recorded
    with store.transaction(readonly=True) as cursor:
        lines = cursor.fetchall(
            "SELECT on_date, kind, amount, shares, savings_balance, loan_balance "
            "FROM rm_statement WHERE group_id = ? AND member_id = ? ORDER BY position, line",
            (str(group_id), ids["okot_member"]))
    assert lines == [
        ("2026-02-02", "share_purchase", 4000, 2, 4000, 0),
        ("2026-02-02", "loan_disbursed", 3600, 0, 4000, 3600),  # 3000 + 600 charge
        ("2026-02-09", "share_purchase", 2000, 1, 6000, 3600),
        ("2026-02-09", "share_purchase", -2000, -1, 4000, 3600),  # the reversal
        ("2026-02-23", "exit", 400, -2, 0, 0),  # savings 4000 less the loan's 3600
    ]


def test_the_passbook_counts_cents_in_a_currency_with_them() -> None:
    # KES has two decimals: savings and loan balances are counted in cents, as amounts are.
    app = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    union_id = app.register_union(
        code="NRB", name="NRB union", currency="KES",
        schedule=ScheduleInput("annual", "120.00", 30), policy=None, meta=META).value.id
    group_id = app.register_group(union_id, name="Umoja", enterprise="tailoring",
                                  locality="Kibera", affiliated_on=day(1, 5), meta=META).value.id
    wanjiru = app.join_member(group_id, name="Wanjiru", gender="female",
                              joined_on=day(1, 5), meta=META).value.member_id
    rules = replace(RULES, share_value="50.50", social_fund_contribution="10.00")
    app.start_cycle(group_id, rules, started_on=day(1, 5), meta=META)
    app.buy_shares(group_id, wanjiru, 3, on=day(1, 12), meta=META)
    loan = lend(app, group_id, wanjiru, "100.25", 2, day(1, 19))
    app.repay_loan(group_id, loan.loan_id, "20.05", on=day(2, 2), meta=META)
    store = fresh_projection(app)
    with store.transaction(readonly=True) as cursor:
        lines = cursor.fetchall(
            "SELECT kind, amount, shares, savings_balance, loan_balance FROM rm_statement "
            "WHERE group_id = ? AND member_id = ? ORDER BY position, line",
            (str(group_id), wanjiru))
    assert lines == [
        ("share_purchase", 15150, 3, 15150, 0),  # 3 × 50.50
        ("loan_disbursed", 12030, 0, 15150, 12030),  # 100.25 + 10 % × 2 months = 120.30
        ("loan_repaid", 2005, 0, 15150, 10025),
    ]
