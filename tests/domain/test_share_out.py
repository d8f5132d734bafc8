"""Share-out and mid-cycle exit, with a worked example checked by hand."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from domain.books import Posting, cr, dr
from domain.group_state import SharePayout
from domain.postings import journal_entry
from tests.domain.builders import (
    CYCLE_START,
    META,
    TODAY,
    GroupBuilder,
    assert_books_agree,
    assert_refused,
    meeting,
    ugx,
)

SHARE_OUT_DAY = meeting(11)  # 2026-03-30


def worked_example() -> GroupBuilder:
    """The cycle of the worked example, up to the eve of its share-out.

    UGX; share value 1000; social fund 500 a meeting; 10 %/month flat; loans ≤ 3 × savings.

    2026-01-19  amina buys 5 shares, bosco 4, cate 2; each pays 500 to the social fund
    2026-01-26  amina buys 5 shares, bosco 3, cate 1
                → shares: amina 10, bosco 7, cate 3; total 20; savings 20000
    2026-02-02  bosco borrows 10000 for 2 months (limit 3 × 7000 = 21000)
                charge = 10000 × 0.10 × 2 = 2000; bosco owes 12000
                cate is fined 1000
    2026-03-02  bosco repays 5000: 2000 clears the charge, 3000 the principal; owes 7000
    2026-03-09  amina gets a social-fund grant of 1000; eggs sold: earnings 2345

    loan-fund cash = 20000 − 10000 + 1000 + 5000 + 2345 = 18345
    social-fund cash = 3 × 500 − 1000 = 500
    loans outstanding = 7000 (bosco)
    """
    builder = GroupBuilder().members("amina", "bosco", "cate").on(CYCLE_START)
    builder.cycle(share_value="1000", social_fund="500", rate="0.10", multiple="3", max_term=3)
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 4).shares("cate", 2)
    builder.social_fund("amina", "bosco", "cate")
    builder.on(meeting(2)).shares("amina", 5).shares("bosco", 3).shares("cate", 1)
    builder.on(meeting(3)).loan("bosco", "10000", 2, "L-bosco").fine("cate", "1000")
    builder.on(meeting(7)).repay("L-bosco", "5000")
    builder.on(meeting(8)).grant("amina", "1000").earnings("2345")
    return builder


def test_the_worked_example_before_share_out() -> None:
    group = worked_example().group
    assert group.loan_fund_cash == ugx("18345")
    assert group.social_fund_cash == ugx("500")
    assert group.loans_outstanding == ugx("7000")
    assert group.member_savings == ugx("20000")
    # surplus = charge 2000 + fine 1000 + earnings 2345 = 5345
    assert group.surplus == ugx("5345")
    assert_books_agree(group)


def test_the_worked_example_share_out() -> None:
    builder = worked_example()
    group = builder.group
    shared = group.share_out(on=SHARE_OUT_DAY, meta=META, today=TODAY)

    # pool = loan-fund cash + loans outstanding = 18345 + 7000 = 25345 (social fund excluded)
    assert shared.pool == ugx("25345")
    # value per share = 25345 ÷ 20 = 1267.25 (reported with 4 extra decimals)
    assert shared.total_shares == 20 and str(shared.value_per_share) == "1267.2500"
    # gross, rounded down:  amina 10 × 1267.25 = 12672.50 → 12672
    #                       bosco  7 × 1267.25 =  8870.75 →  8870, less loan 7000 → net 1870
    #                       cate   3 × 1267.25 =  3801.75 →  3801
    assert shared.payouts == [
        SharePayout("amina", 10, ugx("12672"), ugx("0"), ugx("12672")),
        SharePayout("bosco", 7, ugx("8870"), ugx("7000"), ugx("1870")),
        SharePayout("cate", 3, ugx("3801"), ugx("0"), ugx("3801")),
    ]
    # Σ gross = 12672 + 8870 + 3801 = 25343; remainder 25345 − 25343 = 2 carried forward.
    # Cash paid = 12672 + 1870 + 3801 = 18343; 18345 − 18343 = 2 left in the box.
    assert shared.carried_forward == ugx("2") and shared.book_savings == ugx("20000")
    assert shared.closed_income == {"4000": ugx("2000"), "4010": ugx("1000"),
                                    "4020": ugx("2345")}

    cycle = group.cycle_by_number(1)
    assert not cycle.is_open and cycle.closed_on == SHARE_OUT_DAY
    assert group.open_cycle is None
    assert group.closed_loans["L-bosco"] == "settled" and group.loans == {}
    assert group.loan_fund_cash == ugx("2")
    assert group.social_fund_cash == ugx("500")  # carries over
    assert group.loans_outstanding == ugx("0")
    assert group.retained_surplus == ugx("2") and group.surplus == ugx("2")
    assert group.member_savings == ugx("0")
    assert group.assets == ugx("502")  # 2 in the loan fund + 500 in the social fund
    assert_books_agree(group)


def test_the_worked_example_share_out_entry() -> None:
    group = worked_example().group
    entry = journal_entry(group.share_out(on=SHARE_OUT_DAY, meta=META, today=TODAY))
    assert entry is not None and entry.on == SHARE_OUT_DAY
    # Income is closed into retained surplus (2000 + 1000 + 2345 = 5345); each member's
    # book savings (3000) are paid out with their share of the surplus; 3200 gives up
    # Σ gross − book savings = 25343 − 20000 = 5343 and keeps the remainder of 2.
    expected: list[Posting] = [
        dr("4000", ugx("2000")), dr("4010", ugx("1000")), dr("4020", ugx("2345")),
        cr("3200", ugx("5345")),
        dr("3000", ugx("10000"), "amina"), cr("1000", ugx("12672")),
        dr("3000", ugx("7000"), "bosco"), cr("1100", ugx("7000"), "bosco"),
        cr("1000", ugx("1870")),
        dr("3000", ugx("3000"), "cate"), cr("1000", ugx("3801")),
        dr("3200", ugx("5343")),
    ]
    assert list(entry.postings) == expected


def test_after_share_out_the_cycle_is_closed_and_a_new_one_can_start() -> None:
    builder = worked_example()
    group = builder.on(SHARE_OUT_DAY).share_out().group
    for day in (meeting(8), SHARE_OUT_DAY):
        earnings = partial(group.record_enterprise_earnings, ugx("10"), "eggs", on=day,
                           meta=META, today=TODAY)
        assert_refused(group, "date_in_closed_cycle", earnings, "2026-03-30")
    next_day = SHARE_OUT_DAY + timedelta(days=1)
    assert_refused(group, "no_open_cycle", lambda: group.buy_shares(
        "amina", 1, on=next_day, meta=META, today=TODAY))
    assert_refused(group, "no_open_cycle", lambda: group.share_out(
        on=next_day, meta=META, today=TODAY))
    # The social fund carries over: a grant between cycles is paid from it.
    group.pay_social_fund_grant("cate", ugx("500"), "illness", on=next_day, meta=META,
                                today=TODAY)

    builder.on(meeting(12)).cycle(share_value="2000", social_fund="500")
    assert group.open_cycle is not None and group.open_cycle.number == 2
    builder.on(meeting(13)).shares("amina", 1)
    # the loan limit counts cycle-2 shares only: 3 × 2000 = 6000
    assert_refused(group, "loan_limit_exceeded", lambda: group.disburse_loan(
        "amina", ugx("6001"), 1, on=meeting(13), meta=META, today=TODAY), "limit 6000")
    assert group.loan_fund_cash == ugx("2002")
    assert_books_agree(group)


def test_share_out_is_refused_while_a_member_owes_more_than_their_gross() -> None:
    # share value 2000: amina 5 shares (10000), cate 1 share (2000); cash 12000.
    # cate borrows 6000 (3 × 2000) for 6 months: charge 6000 × 0.10 × 6 = 3600; owes 9600.
    # pool = 6000 cash + 9600 owed = 15600; 6 shares; cate's gross = 15600 ÷ 6 = 2600 < 9600.
    builder = GroupBuilder().members("amina", "cate").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("cate", 1)
    builder.on(meeting(2)).loan("cate", "6000", 6, "L-cate")
    group = builder.group
    assert_refused(group, "loan_exceeds_payout", lambda: group.share_out(
        on=meeting(3), meta=META, today=TODAY), "cate", "9600", "2600")
    # Writing the loan off (expense 9600) lets the share-out go ahead:
    # pool = 6000 cash; 6000 ÷ 6 = 1000 a share; amina 5000, cate 1000.
    group.write_off_loan("L-cate", "left the area", on=meeting(3), meta=META, today=TODAY)
    shared = group.share_out(on=meeting(3), meta=META, today=TODAY)
    assert [(p.member_id, p.net) for p in shared.payouts] == [
        ("amina", ugx("5000")), ("cate", ugx("1000"))]
    assert group.loan_fund_cash == ugx("0")
    assert_books_agree(group)


def test_share_out_is_not_dated_before_the_cycle_last_entry() -> None:
    group = worked_example().group
    assert_refused(group, "invalid_date", lambda: group.share_out(
        on=meeting(7), meta=META, today=TODAY), "2026-03-09")
    group.share_out(on=meeting(8), meta=META, today=TODAY)  # the same day is fine


def test_share_out_is_not_dated_before_an_exit_it_follows() -> None:
    group = worked_example().group
    group.exit_member("cate", on=meeting(10), meta=META, today=TODAY)
    assert_refused(group, "invalid_date", lambda: group.share_out(
        on=meeting(9), meta=META, today=TODAY), "2026-03-23")
    group.share_out(on=meeting(10), meta=META, today=TODAY)


def test_sye_deposits_stay_out_of_the_pool_and_remain_as_surplus() -> None:
    # amina and bosco: 5 shares × 2000 each = 20000; SYE deposit 3000 → cash 17000;
    # earnings 4000 → cash 21000; pool 21000 ÷ 10 shares = 2100; each gross 10500.
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5)
    builder.on(meeting(2)).sye_deposit("3000", "t-1").earnings("4000")
    shared = builder.on(meeting(3)).group.share_out(on=meeting(3), meta=META, today=TODAY)
    group = builder.group
    assert shared.pool == ugx("21000") and shared.carried_forward == ugx("0")
    assert [p.gross for p in shared.payouts] == [ugx("10500"), ugx("10500")]
    assert group.sye_balance == ugx("3000") and group.retained_surplus == ugx("3000")
    assert group.assets == group.surplus == ugx("3000")
    assert_books_agree(group)


def test_a_share_out_with_no_shares_carries_everything_forward() -> None:
    builder = GroupBuilder().members("amina").on(CYCLE_START).cycle()
    builder.on(meeting(1)).earnings("700")
    shared = builder.group.share_out(on=meeting(2), meta=META, today=TODAY)
    assert shared.payouts == [] and shared.carried_forward == ugx("700")
    assert builder.group.retained_surplus == ugx("700")
    assert_books_agree(builder.group)


# --- member exit mid-cycle ------------------------------------------------------------


def test_an_exiting_member_takes_their_shares_at_share_value() -> None:
    builder = worked_example()
    group = builder.group
    exited = group.exit_member("amina", on=meeting(9), meta=META, today=TODAY)
    # amina: 10 shares × 1000 = 10000; no loan; no part of the surplus (5345)
    settlement = exited.settlement
    assert (settlement.shares, settlement.savings, settlement.loan_deducted, settlement.net) == (
        10, ugx("10000"), ugx("0"), ugx("10000"))
    assert exited.loan_ids == []
    assert group.loan_fund_cash == ugx("8345")  # 18345 − 10000
    assert group.social_fund_cash == ugx("500")  # social-fund contributions are not returned
    assert group.member_savings == ugx("10000")  # bosco 7000 + cate 3000
    assert not group.members["amina"].is_active
    entry = journal_entry(exited)
    assert entry is not None
    assert list(entry.postings) == [dr("3000", ugx("10000"), "amina"), cr("1000", ugx("10000"))]
    assert_books_agree(group)
    # The exited member has no part in the share-out: pool 8345 + 7000 = 15345 over 10 shares.
    shared = group.share_out(on=meeting(9), meta=META, today=TODAY)
    assert [p.member_id for p in shared.payouts] == ["bosco", "cate"]
    assert shared.pool == ugx("15345") and shared.total_shares == 10


def test_an_exiting_member_loan_is_deducted_and_settled() -> None:
    group = worked_example().group
    exited = group.exit_member("bosco", on=meeting(9), meta=META, today=TODAY)
    # bosco: 7 shares × 1000 = 7000, owes 7000 → net 0; the loan is settled
    assert (exited.settlement.savings, exited.settlement.loan_deducted,
            exited.settlement.net) == (ugx("7000"), ugx("7000"), ugx("0"))
    assert exited.loan_ids == ["L-bosco"]
    assert group.loans["L-bosco"].status == "settled"
    assert group.loans_outstanding == ugx("0") and group.loan_fund_cash == ugx("18345")
    entry = journal_entry(exited)
    assert entry is not None
    assert list(entry.postings) == [dr("3000", ugx("7000"), "bosco"),
                                    cr("1100", ugx("7000"), "bosco")]
    assert_books_agree(group)


def test_an_exit_settles_every_open_loan_of_the_member() -> None:
    # share value 2000; amina 5 + 5 shares = 20000; the cycle allows 2 open loans.
    # L1 2000 and L2 3000 for 1 month at 10 %: owes 2200 + 3300 = 5500; net 14500.
    builder = GroupBuilder().members("amina").on(CYCLE_START).cycle(max_open_loans=2)
    builder.on(meeting(1)).shares("amina", 5).on(meeting(2)).shares("amina", 5)
    builder.loan("amina", "2000", 1, "L1").loan("amina", "3000", 1, "L2")
    group = builder.group
    exited = group.exit_member("amina", on=meeting(3), meta=META, today=TODAY)
    assert exited.settlement.loan_deducted == ugx("5500")
    assert exited.settlement.net == ugx("14500")
    assert sorted(exited.loan_ids) == ["L1", "L2"]
    # cash: 20000 − 2000 − 3000 = 15000 before the exit; 15000 − 14500 = 500 after
    assert group.loans_outstanding == ugx("0") and group.loan_fund_cash == ugx("500")
    assert_books_agree(group)


def test_an_exit_is_refused_when_the_loan_is_larger_than_the_savings() -> None:
    # cate: 3 shares × 1000 = 3000; borrows 9000 for 3 months: owes 9000 + 2700 = 11700
    builder = worked_example()
    builder.on(meeting(9)).loan("cate", "9000", 3, "L-cate")
    group = builder.group
    assert_refused(group, "loan_exceeds_savings", lambda: group.exit_member(
        "cate", on=meeting(9), meta=META, today=TODAY), "11700", "3000", "L-cate")


def test_an_exit_is_refused_when_the_loan_fund_cannot_pay_it() -> None:
    # share value 2000: amina and bosco 5 shares each (20000); bosco borrows 15000 → cash 5000;
    # amina's settlement of 10000 cannot be paid.
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5)
    builder.on(meeting(2)).loan("bosco", "15000", 1, "L1")
    group = builder.group
    assert_refused(group, "insufficient_loan_fund", lambda: group.exit_member(
        "amina", on=meeting(2), meta=META, today=TODAY), "5000", "10000")


def test_an_exited_member_cannot_transact_again() -> None:
    group = worked_example().group
    group.exit_member("amina", on=meeting(9), meta=META, today=TODAY)
    at = meeting(10)
    assert_refused(group, "member_not_active", lambda: group.buy_shares(
        "amina", 1, on=at, meta=META, today=TODAY))
    assert_refused(group, "member_not_active", lambda: group.pay_social_fund_grant(
        "amina", ugx("100"), "funeral", on=at, meta=META, today=TODAY))
    assert_refused(group, "member_not_active", lambda: group.disburse_loan(
        "amina", ugx("100"), 1, on=at, meta=META, today=TODAY))
    assert_refused(group, "member_not_active", lambda: group.exit_member(
        "amina", on=at, meta=META, today=TODAY))
