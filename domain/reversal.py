"""When a group entry may be reversed: once, within its open cycle, without breaking a rule.

A reversal books the exact opposite of the reversed entry. Refused: unknown ids
(`event_not_found`); registrations, members joining or leaving, cycle starts, meetings,
cash counts, share-outs and reversals themselves (`not_reversible`: book a new entry
instead); entries dated on or before the last share-out (their cycle is closed); an entry
already reversed (`already_reversed`); and a reversal that would break a rule
(`reversal_breaks_rule`): a cash box or SYE balance going negative, a loan with
unreversed repayments or write-off, a loan already settled, shares of a member who has
exited (their savings were settled), shares without which the member's open loan would
exceed the loan limit, and a repayment or write-off whose reversal would reopen a loan of
a member who has exited or already has as many open loans as the cycle allows.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain import errors
from domain.group_state import EntryRecord

if TYPE_CHECKING:
    from domain.group import Group

CASH_IN_KINDS = frozenset(
    {"share_purchase", "fine", "enterprise_earnings", "loan_repaid", "sye_withdrawal"}
)
SOCIAL_IN_KINDS = frozenset({"social_fund_contribution", "relief_received"})


def check_reversal(group: Group, event_id: str, on: date) -> EntryRecord:
    """Return the record of the entry to reverse, or refuse with a typed error."""
    record = group.entries.get(event_id)
    if record is None:
        kind = group.fixed_events.get(event_id)
        if kind is not None:
            raise errors.NotReversible(
                f"a {kind.replace('_', ' ')} cannot be reversed; book a new entry instead",
                event_id=event_id,
            )
        # Entries and fixed events are apart: only an entry can be a closed one.
        closed = group.closed_entry(event_id)
        if closed is not None:
            _refuse_closed(group, event_id, *closed)
        raise errors.EventNotFound(f"event {event_id} is not an entry of this group")
    if record.reversed_by is not None:
        raise errors.AlreadyReversed(
            f"event {event_id} was already reversed by {record.reversed_by}", event_id=event_id
        )
    if group.last_shareout_on is not None and record.on <= group.last_shareout_on:
        raise errors.NotReversible(
            f"event {event_id} of {record.on} belongs to a cycle closed by the share-out of "
            f"{group.last_shareout_on}; book a correction in the current cycle"
        )
    if on < record.on:
        raise errors.InvalidDate(f"a reversal on {on} cannot precede the entry of {record.on}")
    _check_effects(group, event_id, record)
    return record


def _refuse_closed(group: Group, event_id: str, on: str | None, reversed_by: str | None) -> None:
    """An entry of a closed cycle: refused as when its record was still kept."""
    if reversed_by is not None:
        raise errors.AlreadyReversed(
            f"event {event_id} was already reversed by {reversed_by}", event_id=event_id
        )
    raise errors.NotReversible(
        f"event {event_id} of {on} belongs to a cycle closed by the share-out of "
        f"{group.last_shareout_on}; book a correction in the current cycle"
    )


def _check_effects(group: Group, event_id: str, record: EntryRecord) -> None:
    if record.kind in CASH_IN_KINDS and record.amount > group.loan_fund_cash:
        _breaks(f"loan-fund cash of {group.loan_fund_cash.amount} cannot give back "
                f"{record.amount.amount}")
    if record.kind in SOCIAL_IN_KINDS and record.amount > group.social_fund_cash:
        _breaks(f"social-fund cash of {group.social_fund_cash.amount} cannot give back "
                f"{record.amount.amount}")
    if record.kind == "sye_deposit" and record.amount > group.sye_balance:
        _breaks(f"SYE balance of {group.sye_balance.amount} is less than "
                f"{record.amount.amount}")
    if record.kind == "share_purchase":
        member = group.members.get(record.member_id or "")
        if member is not None and not member.is_active:
            _breaks(f"member {member.name} has exited and their savings were settled")
        _check_loan_limit(group, record)
    if record.loan_id is not None:
        _check_loan(group, event_id, record)


def _check_loan(group: Group, event_id: str, record: EntryRecord) -> None:
    loan = group.loans[record.loan_id or ""]
    if loan.status == "settled":
        _breaks(f"loan {loan.loan_id} was settled at an exit or share-out")
    if record.kind == "loan_disbursed":
        later = [
            other_id for other_id, other in group.entries.items()
            if other.loan_id == loan.loan_id and other_id != event_id
            and other.reversed_by is None
        ]
        if later:
            _breaks(f"loan {loan.loan_id} has {len(later)} repayment(s) or write-off(s); "
                    "reverse those first")
    elif loan.status != "open":
        _check_reopening(group, loan.loan_id, loan.member_id, loan.cycle_number)


def _check_reopening(group: Group, loan_id: str, member_id: str, cycle_number: int) -> None:
    """Undoing a repayment or write-off of a closed loan opens it again: may it be open?"""
    member = group.members[member_id]
    if not member.is_active:
        _breaks(f"loan {loan_id} would reopen for member {member.name}, who has exited")
    allowed = group.cycle_by_number(cycle_number).max_open_loans_per_member
    open_loans = [x for x in group.loans.values() if x.member_id == member_id
                  and x.status == "open"]
    if len(open_loans) >= allowed:
        _breaks(f"loan {loan_id} would reopen while member {member.name} already has "
                f"{len(open_loans)} open loan(s); the cycle allows {allowed}")


def _check_loan_limit(group: Group, record: EntryRecord) -> None:
    """Without these shares, every open loan of the member must still be within the limit."""
    cycle = group.cycle_by_number(record.cycle_number or 0)
    member_id = record.member_id or ""
    shares_left = cycle.shares.get(member_id, 0) - record.shares
    limit = cycle.share_value.times(shares_left).times(cycle.max_loan_multiple)
    for loan in group.loans.values():
        if loan.member_id == member_id and loan.status == "open" and loan.principal > limit:
            _breaks(f"without these shares member {member_id}'s loan {loan.loan_id} of "
                    f"{loan.principal.amount} would exceed {cycle.max_loan_multiple} × savings "
                    f"(limit {limit.amount})")


def _breaks(message: str) -> None:
    raise errors.ReversalBreaksRule(message)
