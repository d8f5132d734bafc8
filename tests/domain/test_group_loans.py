"""Member loans: limits, the flat service charge, due dates, repayments and write-offs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.group import Group
from domain.group_state import add_months, flat_service_charge
from domain.money import Money
from domain.postings import journal_entry
from tests.domain.builders import (
    CYCLE_START,
    META,
    TODAY,
    GroupBuilder,
    assert_refused,
    kes,
    meeting,
    standard_group,
    ugx,
)


def savers(max_open_loans: int = 1) -> Group:
    """UGX group, share value 2000, 10 %/month, loans ≤ 3 × savings, terms ≤ 6 months.

    Meeting 1 (2026-01-19): amina, bosco, cate and dan buy 5 shares each.
    Each member's savings: 10000, so each loan limit is 30000; loan-fund cash: 40000.
    """
    builder = GroupBuilder().members("amina", "bosco", "cate", "dan")
    builder.on(CYCLE_START).cycle(max_open_loans=max_open_loans)
    builder.on(meeting(1))
    for member_id in ("amina", "bosco", "cate", "dan"):
        builder.shares(member_id, 5)
    return builder.group


LOAN_DAY = meeting(2)  # 2026-01-26


def lend(group: Group, member_id: str, principal: str, term: int, loan_id: str,
         on: date = LOAN_DAY) -> None:
    group.disburse_loan(member_id, Money.of(principal, group.currency), term, on=on,
                        meta=META, today=TODAY, loan_id=loan_id)


# --- the loan limit: max_loan_multiple × the member's savings this cycle -------------


def test_a_loan_up_to_the_multiple_of_savings_is_disbursed() -> None:
    group = savers()
    loan = group.disburse_loan("amina", ugx("30000"), 3, on=meeting(2), meta=META,
                               today=TODAY, loan_id="L1")
    # charge = 30000 × 0.10 × 3 = 9000; due 2026-01-26 + 3 months = 2026-04-26
    assert loan.service_charge == ugx("9000") and loan.due_on == date(2026, 4, 26)
    assert group.loans["L1"].outstanding == ugx("39000")
    assert group.loan_fund_cash == ugx("10000")
    assert group.loans_outstanding == ugx("39000")
    assert group.income == {"4000": ugx("9000")}


def test_a_loan_above_the_multiple_of_savings_is_refused() -> None:
    group = savers()
    error = assert_refused(group, "loan_limit_exceeded", lambda: lend(
        group, "amina", "30001", 3, "L1"), "30001", "3 × savings of 10000", "limit 30000")
    assert error.details["limit"] == "30000"


def test_savings_for_the_limit_are_this_cycle_shares_only() -> None:
    group = savers()
    group.join_member(name="Esther", gender="female", joined_on=meeting(2), meta=META,
                      today=TODAY, member_id="esther")
    assert_refused(group, "loan_limit_exceeded", lambda: lend(group, "esther", "1", 1, "L1"),
                   "savings of 0")


def test_a_loan_up_to_the_loan_fund_cash_is_disbursed() -> None:
    group = savers()
    lend(group, "amina", "30000", 3, "L1")
    lend(group, "bosco", "10000", 3, "L2")
    assert group.loan_fund_cash == ugx("0")


def test_a_loan_beyond_the_loan_fund_cash_is_refused() -> None:
    group = savers()
    lend(group, "amina", "30000", 3, "L1")
    assert_refused(group, "insufficient_loan_fund", lambda: lend(group, "bosco", "10001", 3,
                                                                 "L2"), "10000", "10001")


def test_a_term_up_to_the_cycle_maximum_is_accepted() -> None:
    group = savers()
    lend(group, "amina", "1000", 6, "L1")
    assert group.loans["L1"].term_months == 6


@pytest.mark.parametrize("term", [7, 0, -1])
def test_a_term_beyond_the_cycle_maximum_is_refused(term: int) -> None:
    group = savers()
    assert_refused(group, "loan_term_exceeded", lambda: lend(group, "amina", "1000", term, "L1"),
                   f"term of {term} months", "1–6")


@pytest.mark.parametrize("term", [2.5, True, "3"])
def test_a_term_is_a_whole_number_of_months(term: object) -> None:
    group = savers()
    assert_refused(group, "invalid_input", lambda: lend(group, "amina", "1000", term, "L1"),  # type: ignore[arg-type]
                   "whole number")


def test_one_open_loan_per_member() -> None:
    group = savers()
    lend(group, "amina", "1000", 1, "L1")
    assert_refused(group, "loan_already_open", lambda: lend(group, "amina", "1000", 1, "L2"),
                   "1 open loan", "allows 1")
    group.repay_loan("L1", ugx("1100"), on=meeting(3), meta=META, today=TODAY)
    lend(group, "amina", "1000", 1, "L2", on=meeting(3))


def test_a_cycle_may_allow_more_open_loans() -> None:
    group = savers(max_open_loans=2)
    lend(group, "amina", "1000", 1, "L1")
    lend(group, "amina", "1000", 1, "L2")
    assert_refused(group, "loan_already_open", lambda: lend(group, "amina", "1000", 1, "L3"),
                   "allows 2")


def test_a_loan_id_names_one_loan() -> None:
    group = savers()
    lend(group, "amina", "1000", 1, "L1")
    assert_refused(group, "invalid_input", lambda: lend(group, "bosco", "1000", 1, "L1"), "L1")
    assert group.loans["L1"].member_id == "amina"


def test_loans_need_an_open_cycle_and_an_active_member() -> None:
    group = GroupBuilder().members("amina").group
    assert_refused(group, "no_open_cycle", lambda: lend(group, "amina", "1000", 1, "L1"))
    group = savers()
    group.exit_member("dan", on=meeting(2), meta=META, today=TODAY)
    assert_refused(group, "member_not_active", lambda: lend(group, "dan", "1000", 1, "L1"))


# --- the flat service charge --------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "rate", "term", "charge"),
    [
        (ugx("10000"), "0.10", 3, ugx("3000")),
        (ugx("2500"), "0.07", 1, ugx("175")),
        (ugx("1250"), "0.02", 1, ugx("25")),
        (ugx("15"), "0.10", 1, ugx("2")),  # 1.5 → 2: half-up
        (ugx("25"), "0.10", 1, ugx("3")),  # 2.5 → 3: half-up, where banker's gives 2
        (kes("10.10"), "0.05", 1, kes("0.51")),  # 0.505 → 0.51
        (kes("333.33"), "0.035", 3, kes("35.00")),  # 34.99965 → 35.00
        (kes("1234.57"), "0.035", 3, kes("129.63")),  # 129.62985 → 129.63
        (kes("100.00"), "0", 6, kes("0.00")),
    ],
)
def test_the_flat_charge_is_principal_times_rate_times_term_half_up(
    principal: Money, rate: str, term: int, charge: Money
) -> None:
    assert flat_service_charge(principal, Decimal(rate), term) == charge


def test_a_disbursed_loan_books_its_rounded_charge() -> None:
    builder = GroupBuilder("KES").members("amina").on(CYCLE_START)
    builder.cycle(share_value="100.00", social_fund="50.00", rate="0.05")
    builder.on(meeting(1)).shares("amina", 5).on(meeting(2)).loan("amina", "10.10", 1, "L1")
    group = builder.group
    # 10.10 × 0.05 × 1 = 0.505 → 0.51; amount due 10.61
    assert group.loans["L1"].service_charge == kes("0.51")
    assert group.loans["L1"].amount_due == kes("10.61")
    assert group.loans["L1"].outstanding == kes("10.61")
    assert group.loan_fund_cash == kes("489.90")
    entry = journal_entry(builder.last)
    assert entry is not None
    assert [(p.account, p.side, p.amount) for p in entry.postings] == [
        ("1100", "debit", kes("10.61")), ("1000", "credit", kes("10.10")),
        ("4000", "credit", kes("0.51")),
    ]


# --- due dates: on + term in calendar months ----------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
        (date(2026, 1, 19), 12, date(2027, 1, 19)),
        (date(2026, 1, 19), 24, date(2028, 1, 19)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(
    start: date, months: int, due: date
) -> None:
    assert add_months(start, months) == due


def test_a_loan_of_31_january_for_one_month_is_due_at_the_end_of_february() -> None:
    group = savers()
    lend(group, "amina", "1000", 1, "L1", on=date(2026, 1, 31))
    assert group.loans["L1"].due_on == date(2026, 2, 28)


def test_in_a_leap_year_it_is_due_on_29_february() -> None:
    builder = GroupBuilder(affiliated_on=date(2024, 1, 8), today=date(2024, 3, 1))
    builder.members("amina").cycle().on(date(2024, 1, 15)).shares("amina", 5)
    builder.on(date(2024, 1, 31)).loan("amina", "1000", 1, "L1")
    assert builder.group.loans["L1"].due_on == date(2024, 2, 29)


# --- repayments: at most the outstanding balance; the charge first, then principal ---


def test_a_repayment_clears_the_service_charge_first_then_principal() -> None:
    group = savers()
    lend(group, "amina", "10000", 3, "L1")  # charge 3000; amount due 13000
    first = group.repay_loan("L1", ugx("2000"), on=meeting(3), meta=META, today=TODAY)
    assert (first.charge_paid, first.principal_paid) == (ugx("2000"), ugx("0"))
    second = group.repay_loan("L1", ugx("4000"), on=meeting(4), meta=META, today=TODAY)
    assert (second.charge_paid, second.principal_paid) == (ugx("1000"), ugx("3000"))
    third = group.repay_loan("L1", ugx("500"), on=meeting(5), meta=META, today=TODAY)
    assert (third.charge_paid, third.principal_paid) == (ugx("0"), ugx("500"))
    loan = group.loans["L1"]
    # outstanding = principal + charge − repayments = 10000 + 3000 − 6500 = 6500
    assert loan.outstanding == ugx("6500") and loan.charge_outstanding == ugx("0")
    assert group.loans_outstanding == ugx("6500")
    # cash: 40000 − 10000 + 2000 + 4000 + 500 = 36500
    assert group.loan_fund_cash == ugx("36500")


def test_a_repayment_of_the_whole_outstanding_balance_closes_the_loan() -> None:
    group = savers()
    lend(group, "amina", "10000", 3, "L1")
    group.repay_loan("L1", ugx("13000"), on=meeting(3), meta=META, today=TODAY)
    assert group.loans["L1"].status == "repaid" and group.loans_outstanding == ugx("0")


def test_a_repayment_above_the_outstanding_balance_is_refused() -> None:
    group = savers()
    lend(group, "amina", "10000", 3, "L1")
    group.repay_loan("L1", ugx("3000"), on=meeting(3), meta=META, today=TODAY)
    assert_refused(group, "repayment_exceeds_outstanding", lambda: group.repay_loan(
        "L1", ugx("10001"), on=meeting(3), meta=META, today=TODAY), "10001", "10000")


def test_only_an_existing_open_loan_is_repaid_and_not_before_it_was_disbursed() -> None:
    group = savers()
    assert_refused(group, "loan_not_found", lambda: group.repay_loan(
        "L9", ugx("1"), on=meeting(3), meta=META, today=TODAY), "L9")
    lend(group, "amina", "1000", 1, "L1", on=meeting(3))
    assert_refused(group, "invalid_date", lambda: group.repay_loan(
        "L1", ugx("1"), on=meeting(2), meta=META, today=TODAY), "2026-02-02")
    group.repay_loan("L1", ugx("1100"), on=meeting(3), meta=META, today=TODAY)
    assert_refused(group, "loan_not_open", lambda: group.repay_loan(
        "L1", ugx("1"), on=meeting(4), meta=META, today=TODAY), "repaid")


# --- write-offs -----------------------------------------------------------------------


def test_a_write_off_takes_the_whole_outstanding_balance() -> None:
    group = savers()
    lend(group, "amina", "10000", 3, "L1")
    group.repay_loan("L1", ugx("6000"), on=meeting(3), meta=META, today=TODAY)
    written_off = group.write_off_loan("L1", "member left the village", on=meeting(4),
                                       meta=META, today=TODAY)
    # outstanding = 10000 + 3000 − 6000 = 7000
    assert written_off.amount == ugx("7000")
    loan = group.loans["L1"]
    assert loan.status == "written_off" and loan.outstanding == ugx("0")
    assert group.loans_outstanding == ugx("0") and group.expenses == {"5000": ugx("7000")}
    assert_refused(group, "loan_not_open", lambda: group.repay_loan(
        "L1", ugx("1"), on=meeting(5), meta=META, today=TODAY), "written_off")
    assert_refused(group, "loan_not_open", lambda: group.write_off_loan(
        "L1", "again", on=meeting(5), meta=META, today=TODAY))


def test_a_write_off_needs_a_reason() -> None:
    group = savers()
    lend(group, "amina", "10000", 3, "L1")
    assert_refused(group, "invalid_input", lambda: group.write_off_loan(
        "L1", "", on=meeting(4), meta=META, today=TODAY), "reason")


def test_a_loan_is_not_disbursed_from_a_closed_cycle() -> None:
    group = standard_group()
    group.share_out(on=meeting(1), meta=META, today=TODAY)
    assert_refused(group, "no_open_cycle", lambda: lend(group, "amina", "1", 1, "L1"))
