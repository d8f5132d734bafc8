"""Share-out arithmetic: the pool, the value per share and each member's payout.

pool = loan-fund cash + loans outstanding; value per share = pool ÷ total shares of the
cycle; gross = shares × value per share rounded DOWN to the minor unit (computed as
pool × shares ÷ total shares so no intermediate rounding creeps in); net = gross − the
member's outstanding loan, which the share-out settles. The rounding remainder
(pool − Σ gross) stays in the loan fund as carried-forward cash. The social fund is not
shared out. `value_per_share` is reported with four decimals beyond the minor unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from domain import errors
from domain.group_state import Cycle, SharePayout
from domain.money import Money, minor_unit

if TYPE_CHECKING:
    from domain.group import Group

VALUE_PER_SHARE_EXTRA_PLACES = 4


@dataclass(frozen=True)
class SharePlan:
    pool: Money
    total_shares: int
    value_per_share: Decimal
    payouts: list[SharePayout]
    carried_forward: Money
    book_savings: Money


def plan_share_out(group: Group, cycle: Cycle) -> SharePlan:
    """Work out the share-out of `cycle`; refuse while a loan exceeds its member's gross."""
    pool = group.loan_fund_cash + group.loans_outstanding
    total = cycle.total_shares
    owed = _owed_by_member(group)
    payouts: list[SharePayout] = []
    member_ids = sorted({m for m, n in cycle.shares.items() if n > 0} | set(owed))
    for member_id in member_ids:
        shares = cycle.shares.get(member_id, 0)
        gross = _gross(pool, shares, total)
        loan = owed.get(member_id, group.zero)
        if loan > gross:
            raise errors.LoanExceedsPayout(
                f"member {member_id} owes {loan.amount}, more than their share-out of "
                f"{gross.amount}: collect or write off that loan first",
                member_id=member_id, owed=str(loan.amount), gross=str(gross.amount),
            )
        payouts.append(SharePayout(member_id, shares, gross, loan, gross - loan))
    distributed = group.zero
    for payout in payouts:
        distributed += payout.gross
    return SharePlan(
        pool=pool,
        total_shares=total,
        value_per_share=_value_per_share(pool, total),
        payouts=payouts,
        carried_forward=pool - distributed,
        book_savings=cycle.share_value.times(total),
    )


def _gross(pool: Money, shares: int, total: int) -> Money:
    if total == 0 or shares == 0:
        return Money.zero(pool.currency)
    exact = pool.amount * shares / Decimal(total)
    places = Decimal(1).scaleb(-minor_unit(pool.currency))
    return Money(exact.quantize(places, rounding=ROUND_DOWN), pool.currency)


def _value_per_share(pool: Money, total: int) -> Decimal:
    if total == 0:
        return Decimal(0)
    places = Decimal(1).scaleb(-(minor_unit(pool.currency) + VALUE_PER_SHARE_EXTRA_PLACES))
    return (pool.amount / Decimal(total)).quantize(places, rounding=ROUND_DOWN)


def _owed_by_member(group: Group) -> dict[str, Money]:
    owed: dict[str, Money] = {}
    for loan in group.loans.values():
        if loan.status == "open":
            owed[loan.member_id] = owed.get(loan.member_id, group.zero) + loan.outstanding
    return owed
