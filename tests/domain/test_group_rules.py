"""Group rules of DESIGN.md: for each, one accepted command and one refused with nothing booked.

Unless a test says otherwise the group is `standard_group()`: UGX, members amina, bosco,
cate and dan joined on 2026-01-05, cycle 1 open from 2026-01-12 with share value 2000,
1–5 shares a meeting, social fund 500, 10 %/month, loans up to 3 × savings, 6 months.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from domain import group_events as ev
from domain.errors import DomainError
from domain.group import Group
from domain.money import Money
from tests.domain.builders import (
    AFFILIATED_ON,
    CYCLE_START,
    META,
    TODAY,
    UNION_ID,
    GroupBuilder,
    assert_refused,
    kes,
    meeting,
    standard_group,
    ugx,
)

# --- registration ---------------------------------------------------------------------


def test_registration_records_the_union_currency_and_affiliation() -> None:
    group = GroupBuilder("KES").group
    [registered] = group.pending_events
    assert isinstance(registered, ev.Registered)
    assert registered.union_id == UNION_ID and registered.affiliated_on == AFFILIATED_ON
    assert registered.on == AFFILIATED_ON and registered.actor == "test"
    assert registered.request_id == "req"
    assert group.version == 1 and group.currency == "KES" and group.union_id == UNION_ID


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"affiliated_on": TODAY + timedelta(days=1)}, "date_in_future"),
        ({"currency": "XYZ"}, "unknown_currency"),
        ({"name": "  "}, "invalid_input"),
        ({"name": "x" * 201}, "invalid_input"),
    ],
)
def test_registration_refuses_a_future_date_an_unknown_currency_or_no_name(
    changes: dict[str, object], code: str
) -> None:
    facts: dict[str, object] = {
        "union_id": UNION_ID, "name": "Tusubira", "enterprise": "poultry",
        "locality": "Mbale", "affiliated_on": AFFILIATED_ON, "currency": "UGX",
    }
    facts.update(changes)
    with pytest.raises(DomainError) as caught:
        Group.register(meta=META, today=TODAY, **facts)  # type: ignore[arg-type]
    assert caught.value.code == code


# --- members --------------------------------------------------------------------------


def test_a_member_joins_on_or_after_affiliation() -> None:
    group = GroupBuilder().group
    joined = group.join_member(name=" Amina ", gender="female", joined_on=AFFILIATED_ON,
                               meta=META, today=TODAY, member_id="amina")
    assert joined.name == "Amina" and group.members["amina"].joined_on == AFFILIATED_ON
    assert group.members["amina"].is_active


def test_a_member_cannot_join_before_affiliation() -> None:
    group = GroupBuilder().group
    assert_refused(group, "date_before_affiliation", lambda: group.join_member(
        name="Amina", gender="female", joined_on=AFFILIATED_ON - timedelta(days=1), meta=META,
        today=TODAY), "2026-01-05")


def test_a_member_cannot_join_in_the_future() -> None:
    group = GroupBuilder().group
    assert_refused(group, "date_in_future", lambda: group.join_member(
        name="Amina", gender="female", joined_on=TODAY + timedelta(days=1), meta=META,
        today=TODAY))


@pytest.mark.parametrize(("name", "gender"), [("", "female"), ("Amina", "f"), ("Amina", "")])
def test_a_member_needs_a_name_and_a_known_gender(name: str, gender: str) -> None:
    group = GroupBuilder().group
    assert_refused(group, "invalid_input", lambda: group.join_member(
        name=name, gender=gender, joined_on=AFFILIATED_ON, meta=META, today=TODAY))


def test_a_member_id_cannot_be_reused_not_even_after_the_member_exited() -> None:
    group = standard_group()
    group.exit_member("dan", on=meeting(1), meta=META, today=TODAY)
    for member_id in ("amina", "dan"):
        join_again = partial(group.join_member, name="Someone", gender="male",
                             joined_on=meeting(2), meta=META, today=TODAY, member_id=member_id)
        assert_refused(group, "invalid_input", join_again, member_id)
    assert not group.members["dan"].is_active


# --- amounts: positive, in the group's currency ---------------------------------------


def test_a_positive_amount_in_the_group_currency_is_accepted() -> None:
    group = standard_group()
    fine = group.charge_fine("amina", ugx("1"), "late", on=meeting(1), meta=META, today=TODAY)
    assert fine.amount == ugx("1")


@pytest.mark.parametrize("amount", ["0", "-500"])
def test_amounts_must_be_positive(amount: str) -> None:
    group = standard_group()
    assert_refused(group, "invalid_amount", lambda: group.charge_fine(
        "amina", ugx(amount), "late", on=meeting(1), meta=META, today=TODAY), "positive")


def test_amounts_must_be_in_the_group_currency() -> None:
    group = standard_group()
    assert_refused(group, "currency_mismatch", lambda: group.charge_fine(
        "amina", kes("500"), "late", on=meeting(1), meta=META, today=TODAY), "KES", "UGX")


def test_an_amount_finer_than_the_minor_unit_cannot_even_be_written() -> None:
    with pytest.raises(DomainError) as caught:
        Money.of("500.5", "UGX")
    assert caught.value.code == "invalid_amount"


def test_a_reason_must_be_given() -> None:
    group = standard_group()
    assert_refused(group, "invalid_input", lambda: group.charge_fine(
        "amina", ugx("500"), " ", on=meeting(1), meta=META, today=TODAY), "reason")


# --- who may transact -----------------------------------------------------------------


def test_only_members_of_the_group_transact() -> None:
    group = standard_group()
    group.buy_shares("amina", 1, on=meeting(1), meta=META, today=TODAY)
    assert_refused(group, "member_not_found", lambda: group.buy_shares(
        "zoe", 1, on=meeting(1), meta=META, today=TODAY), "zoe")


def test_an_exited_member_does_not_transact() -> None:
    group = standard_group()
    group.exit_member("dan", on=meeting(1), meta=META, today=TODAY)
    at = meeting(2)
    assert_refused(group, "member_not_active", lambda: group.buy_shares(
        "dan", 1, on=at, meta=META, today=TODAY), "Dan", "2026-01-19")
    assert_refused(group, "member_not_active", lambda: group.charge_fine(
        "dan", ugx("100"), "late", on=at, meta=META, today=TODAY))
    assert_refused(group, "member_not_active", lambda: group.hold_meeting(
        held_on=at, attendance=["amina", "dan"], meta=META, today=TODAY))


def test_a_member_entry_is_not_dated_before_joining() -> None:
    group = standard_group()
    group.join_member(name="Esther", gender="female", joined_on=meeting(2), meta=META,
                      today=TODAY, member_id="esther")
    assert_refused(group, "date_before_joining", lambda: group.buy_shares(
        "esther", 1, on=meeting(1), meta=META, today=TODAY), "2026-01-26")
    group.buy_shares("esther", 1, on=meeting(2), meta=META, today=TODAY)


# --- cycles ---------------------------------------------------------------------------


def test_cycle_bound_activity_needs_an_open_cycle() -> None:
    builder = GroupBuilder().members("amina")
    group = builder.group
    assert_refused(group, "no_open_cycle", lambda: group.buy_shares(
        "amina", 1, on=CYCLE_START, meta=META, today=TODAY))
    assert_refused(group, "no_open_cycle", lambda: group.hold_meeting(
        held_on=CYCLE_START, attendance=[], meta=META, today=TODAY))
    builder.on(CYCLE_START).cycle()
    group.buy_shares("amina", 1, on=CYCLE_START, meta=META, today=TODAY)


def test_cycle_bound_activity_is_not_dated_before_the_cycle_started() -> None:
    group = standard_group()
    assert_refused(group, "invalid_date", lambda: group.buy_shares(
        "amina", 1, on=CYCLE_START - timedelta(days=1), meta=META, today=TODAY), "2026-01-12")


def test_a_cycle_starts_with_its_rules() -> None:
    group = standard_group()
    cycle = group.open_cycle
    assert cycle is not None and cycle.number == 1 and cycle.started_on == CYCLE_START
    assert cycle.share_value == ugx("2000") and cycle.social_fund_contribution == ugx("500")
    assert cycle.service_charge_rate_monthly == Decimal("0.10")


def test_only_one_cycle_is_open_at_a_time() -> None:
    builder = GroupBuilder().on(CYCLE_START).cycle()
    assert_refused(builder.group, "cycle_already_open", builder.on(meeting(3)).cycle,
                   "cycle 1")


def test_the_widest_cycle_rules_are_accepted() -> None:
    builder = GroupBuilder().on(CYCLE_START)
    builder.cycle(min_shares=100, max_shares=100, social_fund="0", rate="0.20",
                  multiple="10", max_term=24, max_open_loans=5)
    assert builder.group.open_cycle is not None


@pytest.mark.parametrize(
    ("rules", "mention"),
    [
        ({"min_shares": 3, "max_shares": 2}, "3–2"),
        ({"min_shares": 0}, "0–5"),
        ({"max_shares": 101}, "1–101"),
        ({"rate": "0.25"}, "0.25"),
        ({"rate": "-0.01"}, "-0.01"),
        ({"rate": "NaN"}, "NaN"),
        ({"multiple": "0"}, "got 0"),
        ({"multiple": "10.5"}, "10.5"),
        ({"multiple": "Infinity"}, "Infinity"),
        ({"max_term": 0}, "got 0"),
        ({"max_term": 25}, "got 25"),
        ({"max_open_loans": 0}, "got 0"),
    ],
)
def test_cycle_rules_out_of_range_are_refused(rules: dict[str, Any], mention: str) -> None:
    builder = GroupBuilder().on(CYCLE_START)
    assert_refused(builder.group, "invalid_cycle_rules", partial(builder.cycle, **rules),
                   mention)


@pytest.mark.parametrize(("field", "value"), [("share_value", "0"), ("social_fund", "-500")])
def test_cycle_amounts_are_refused_when_not_positive(field: str, value: str) -> None:
    builder = GroupBuilder().on(CYCLE_START)
    rules: dict[str, Any] = {field: value}
    assert_refused(builder.group, "invalid_amount", partial(builder.cycle, **rules))


# --- meetings -------------------------------------------------------------------------


def test_a_meeting_records_attendance_of_active_members() -> None:
    group = standard_group()
    held = group.hold_meeting(held_on=meeting(1), attendance=["amina", "bosco"], meta=META,
                              today=TODAY)
    assert held.attendance == ["amina", "bosco"]
    assert group.meetings == {"2026-01-19": held.meeting_id}


def test_a_meeting_is_held_once_a_day_and_lists_each_member_once() -> None:
    group = standard_group()
    assert_refused(group, "invalid_input", lambda: group.hold_meeting(
        held_on=meeting(1), attendance=["amina", "amina"], meta=META, today=TODAY))
    assert_refused(group, "member_not_found", lambda: group.hold_meeting(
        held_on=meeting(1), attendance=["zoe"], meta=META, today=TODAY))
    group.hold_meeting(held_on=meeting(1), attendance=[], meta=META, today=TODAY)
    assert_refused(group, "meeting_already_held", lambda: group.hold_meeting(
        held_on=meeting(1), attendance=[], meta=META, today=TODAY), "2026-01-19")


# --- shares ---------------------------------------------------------------------------


def test_shares_cost_exactly_shares_times_share_value() -> None:
    group = standard_group()
    bought = group.buy_shares("amina", 5, on=meeting(1), meta=META, today=TODAY)
    assert bought.amount == ugx("10000") and bought.shares == 5 and bought.cycle_number == 1
    assert group.loan_fund_cash == ugx("10000")
    assert group.member_savings == ugx("10000")


def test_shares_per_meeting_stay_within_the_cycle_limits() -> None:
    group = standard_group()
    assert_refused(group, "share_limit_exceeded", lambda: group.buy_shares(
        "amina", 6, on=meeting(1), meta=META, today=TODAY), "1–5", "6 more")


def test_the_share_limit_counts_every_purchase_of_the_same_meeting() -> None:
    group = standard_group()
    group.buy_shares("amina", 3, on=meeting(1), meta=META, today=TODAY)
    group.buy_shares("amina", 2, on=meeting(1), meta=META, today=TODAY)
    assert_refused(group, "share_limit_exceeded", lambda: group.buy_shares(
        "amina", 1, on=meeting(1), meta=META, today=TODAY), "5 already bought")
    group.buy_shares("amina", 5, on=meeting(2), meta=META, today=TODAY)  # a new meeting
    assert group.open_cycle is not None and group.open_cycle.shares["amina"] == 10


def test_the_cycle_minimum_of_shares_applies() -> None:
    builder = GroupBuilder().members("amina").on(CYCLE_START).cycle(min_shares=2)
    group = builder.group
    assert_refused(group, "share_limit_exceeded", lambda: group.buy_shares(
        "amina", 1, on=meeting(1), meta=META, today=TODAY), "2–5")
    group.buy_shares("amina", 2, on=meeting(1), meta=META, today=TODAY)


@pytest.mark.parametrize("shares", [0, -1, True])
def test_shares_are_a_whole_number_of_at_least_one(shares: int) -> None:
    group = standard_group()
    assert_refused(group, "invalid_input", lambda: group.buy_shares(
        "amina", shares, on=meeting(1), meta=META, today=TODAY))


# --- social fund ----------------------------------------------------------------------


def test_the_social_fund_contribution_is_the_cycle_amount() -> None:
    group = standard_group()
    group.contribute_social_fund("amina", ugx("500"), on=meeting(1), meta=META, today=TODAY)
    assert group.social_fund_cash == ugx("500") and group.loan_fund_cash == ugx("0")
    assert_refused(group, "invalid_input", lambda: group.contribute_social_fund(
        "bosco", ugx("400"), on=meeting(1), meta=META, today=TODAY), "500", "400")


def test_a_grant_may_take_all_of_the_social_fund() -> None:
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).social_fund("amina", "bosco").grant("amina", "1000")
    assert builder.group.social_fund_cash == ugx("0")


def test_a_grant_cannot_exceed_the_social_fund() -> None:
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).social_fund("amina", "bosco").shares("amina", 5)
    group = builder.group
    assert_refused(group, "insufficient_social_fund", lambda: group.pay_social_fund_grant(
        "bosco", ugx("1001"), "funeral", on=meeting(1), meta=META, today=TODAY),
        "1001", "1000")


# --- business dates -------------------------------------------------------------------


def test_an_entry_may_be_dated_today_but_not_in_the_future() -> None:
    group = standard_group()
    group.record_enterprise_earnings(ugx("100"), "eggs", on=TODAY, meta=META, today=TODAY)
    assert_refused(group, "date_in_future", lambda: group.record_enterprise_earnings(
        ugx("100"), "eggs", on=TODAY + timedelta(days=1), meta=META, today=TODAY),
        "2026-11-02")


def test_an_entry_may_be_dated_on_affiliation_but_not_before() -> None:
    group = GroupBuilder().group
    group.record_enterprise_earnings(ugx("100"), "eggs", on=AFFILIATED_ON, meta=META,
                                     today=TODAY)
    assert_refused(group, "date_before_affiliation", lambda: group.record_enterprise_earnings(
        ugx("100"), "eggs", on=date(2026, 1, 4), meta=META, today=TODAY), "2026-01-05")


def test_nothing_is_dated_on_or_before_a_share_out() -> None:
    builder = GroupBuilder().members("amina").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).on(meeting(2)).share_out()
    group = builder.group
    for day in (meeting(1), meeting(2)):
        earnings = partial(group.record_enterprise_earnings, ugx("100"), "eggs", on=day,
                           meta=META, today=TODAY)
        assert_refused(group, "date_in_closed_cycle", earnings, "2026-01-26")
    group.record_enterprise_earnings(ugx("100"), "eggs", on=meeting(2) + timedelta(days=1),
                                     meta=META, today=TODAY)


# --- cash boxes and the group side of union transfers ---------------------------------


def _with_cash() -> Group:
    """amina and bosco have bought 5 shares each: loan-fund cash 20000."""
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    return builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5).group


def test_transfers_to_the_union_come_out_of_the_loan_fund() -> None:
    group = _with_cash()
    at = meeting(2)
    group.pay_subscription("2026", ugx("5000"), "t-1", on=at, meta=META, today=TODAY)
    group.contribute_sar(ugx("5000"), "t-2", on=at, meta=META, today=TODAY)
    group.deposit_sye(ugx("10000"), "t-3", on=at, meta=META, today=TODAY)
    assert group.loan_fund_cash == ugx("0") and group.sye_balance == ugx("10000")
    assert group.sar_standing == ugx("5000")
    assert group.expenses == {"5020": ugx("5000"), "5010": ugx("5000")}
    assert group.transfers.keys() == {"t-1", "t-2", "t-3"}


@pytest.mark.parametrize("kind", ["subscription", "sar", "sye"])
def test_a_transfer_cannot_overdraw_the_loan_fund(kind: str) -> None:
    group = _with_cash()
    at, amount = meeting(2), ugx("20001")
    commands = {
        "subscription": lambda: group.pay_subscription("2026", amount, "t-1", on=at,
                                                       meta=META, today=TODAY),
        "sar": lambda: group.contribute_sar(amount, "t-1", on=at, meta=META, today=TODAY),
        "sye": lambda: group.deposit_sye(amount, "t-1", on=at, meta=META, today=TODAY),
    }
    assert_refused(group, "insufficient_loan_fund", commands[kind], "20000", "20001")


def test_an_sye_withdrawal_returns_to_the_loan_fund_up_to_the_balance() -> None:
    group = _with_cash()
    group.deposit_sye(ugx("8000"), "t-1", on=meeting(2), meta=META, today=TODAY)
    assert_refused(group, "insufficient_sye_balance", lambda: group.withdraw_sye(
        ugx("8001"), "t-2", on=meeting(3), meta=META, today=TODAY), "8001", "8000")
    group.withdraw_sye(ugx("8000"), "t-2", on=meeting(3), meta=META, today=TODAY)
    assert group.sye_balance == ugx("0") and group.loan_fund_cash == ugx("20000")


def test_relief_received_joins_the_social_fund() -> None:
    group = _with_cash()
    group.receive_relief("hazard-1", ugx("30000"), "t-9", on=meeting(2), meta=META,
                         today=TODAY)
    assert group.social_fund_cash == ugx("30000") and group.loan_fund_cash == ugx("20000")
    assert_refused(group, "invalid_amount", lambda: group.receive_relief(
        "hazard-1", ugx("0"), "t-10", on=meeting(2), meta=META, today=TODAY))


# --- cash counts ----------------------------------------------------------------------


def test_a_cash_count_reports_the_difference_without_booking_it() -> None:
    group = _with_cash()
    counted = group.count_cash(ugx("19500"), ugx("0"), on=meeting(2), meta=META, today=TODAY)
    assert counted.difference_loan_fund == ugx("-500")
    assert counted.difference_social_fund == ugx("0")
    assert group.loan_fund_cash == ugx("20000")


def test_a_cash_count_cannot_be_negative_or_in_another_currency() -> None:
    group = _with_cash()
    assert_refused(group, "invalid_amount", lambda: group.count_cash(
        ugx("-1"), ugx("0"), on=meeting(2), meta=META, today=TODAY))
    assert_refused(group, "currency_mismatch", lambda: group.count_cash(
        ugx("1"), kes("0"), on=meeting(2), meta=META, today=TODAY))
