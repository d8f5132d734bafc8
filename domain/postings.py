"""Posting rules: the one pure function that maps each money event to a balanced entry.

Group chart (books.GROUP_ACCOUNTS): shares Dr 1000 / Cr 3000 (per member); social fund
contribution Dr 1010 / Cr 3100, grant the reverse; loan Dr 1100 (principal + charge) /
Cr 1000 (principal), Cr 4000 (charge); repayment Dr 1000 / Cr 1100; write-off Dr 5000 /
Cr 1100; fine Dr 1000 / Cr 4010; enterprise earnings Dr 1000 / Cr 4020; subscription
Dr 5020 / Cr 1000; SAR Dr 5010 / Cr 1000; SYE deposit Dr 1200 / Cr 1000 (withdrawal the
reverse); relief received Dr 1010 / Cr 3100; a reversal is the exact opposite of its
original. A member exit: Dr 3000 (savings) / Cr 1100 (loan settled), Cr 1000 (cash paid).
A share-out closes the cycle's income and expense accounts into 3200 retained surplus,
then pays out: Dr 3000 (book savings), Dr/Cr 3200 (surplus shared) / Cr 1100 (loans
settled), Cr 1000 (cash paid). Union events are posted by domain/union_postings.py.
"""

from __future__ import annotations

from collections.abc import Callable

from domain import group_events as ev
from domain.books import JournalEntry, Posting, cr, dr, journal
from domain.group_state import EntryRecord
from domain.ledger import LedgerAggregate, event_id_text
from domain.money import Money


def journal_entry(event: LedgerAggregate.Event) -> JournalEntry | None:
    """The balanced journal entry of a money event; None for events that move no money."""
    if isinstance(event, ev.MoneyEvent):
        return record_entry(event.record(), f"{type(event).__name__} {event_id_text(event)}")
    if isinstance(event, ev.EntryReversed):
        original = record_entry(event.reversed, "")
        return original.reversed(event.on, f"Reversal of {event.reversed_event_id}")
    if isinstance(event, ev.MemberExited):
        return _exit_entry(event)
    if isinstance(event, ev.CycleSharedOut):
        return _share_out_entry(event)
    from domain.union_postings import union_journal_entry

    return union_journal_entry(event)


def record_entry(record: EntryRecord, description: str) -> JournalEntry:
    """The entry of one group money movement."""
    amount, member = record.amount, record.member_id
    lines = _RULES[record.kind](record, amount, member)
    return journal(record.on, description or record.kind, *lines)


def _loan_lines(record: EntryRecord, amount: Money, member: str | None) -> list[Posting]:
    charge = record.charge or Money.zero(amount.currency)
    principal = record.principal or amount
    return [dr("1100", amount, member), cr("1000", principal), cr("4000", charge)]


Rule = Callable[[EntryRecord, Money, str | None], list[Posting]]

_RULES: dict[str, Rule] = {
    "share_purchase": lambda r, a, m: [dr("1000", a), cr("3000", a, m)],
    "social_fund_contribution": lambda r, a, m: [dr("1010", a), cr("3100", a)],
    "social_fund_grant": lambda r, a, m: [dr("3100", a), cr("1010", a)],
    "loan_disbursed": _loan_lines,
    "loan_repaid": lambda r, a, m: [dr("1000", a), cr("1100", a, m)],
    "loan_written_off": lambda r, a, m: [dr("5000", a), cr("1100", a, m)],
    "fine": lambda r, a, m: [dr("1000", a), cr("4010", a)],
    "enterprise_earnings": lambda r, a, m: [dr("1000", a), cr("4020", a)],
    "subscription": lambda r, a, m: [dr("5020", a), cr("1000", a)],
    "sar_contribution": lambda r, a, m: [dr("5010", a), cr("1000", a)],
    "sye_deposit": lambda r, a, m: [dr("1200", a), cr("1000", a)],
    "sye_withdrawal": lambda r, a, m: [dr("1000", a), cr("1200", a)],
    "relief_received": lambda r, a, m: [dr("1010", a), cr("3100", a)],
}


def _exit_entry(event: ev.MemberExited) -> JournalEntry | None:
    s = event.settlement
    if s.savings.is_zero:
        return None
    return journal(
        event.on, f"Exit settlement of member {s.member_id}",
        dr("3000", s.savings, s.member_id), cr("1100", s.loan_deducted, s.member_id),
        cr("1000", s.net),
    )


def _share_out_entry(event: ev.CycleSharedOut) -> JournalEntry | None:
    zero = Money.zero(event.pool.currency)
    lines: list[Posting] = []
    net_income = zero
    for account, amount in sorted(event.closed_income.items()):
        lines.append(_closing(account, amount, "debit"))
        net_income += amount
    for account, amount in sorted(event.closed_expenses.items()):
        lines.append(_closing(account, amount, "credit"))
        net_income -= amount
    lines.append(_closing("3200", net_income, "credit"))
    gross_total = zero
    for payout in event.payouts:
        gross_total += payout.gross
        lines.append(dr("3000", event.share_value.times(payout.shares), payout.member_id))
        lines.append(cr("1100", payout.loan_deducted, payout.member_id))
        lines.append(cr("1000", payout.net))
    lines.append(_closing("3200", gross_total - event.book_savings, "debit"))
    if all(p.amount.is_zero for p in lines):
        return None
    return journal(event.on, f"Share-out of cycle {event.cycle_number}", *lines)


def _closing(account: str, amount: Money, side_if_positive: str) -> Posting:
    """A line of `amount` on its natural side; a negative amount goes on the other side."""
    positive = amount.amount >= 0
    on_debit = (side_if_positive == "debit") == positive
    magnitude = amount if positive else -amount
    return dr(account, magnitude) if on_debit else cr(account, magnitude)
