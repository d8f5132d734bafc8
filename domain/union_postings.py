"""Posting rules of the union's books: each union money event to one balanced journal entry.

Union chart (books.UNION_ACCOUNTS): subscription Dr 1000 / Cr 4000; SAR contribution
Dr 1000 / Cr 3000; donor grant to the relief fund Dr 1000 / Cr 3000; allocation of income
to the relief fund Dr 4000 / Cr 3000; SYE deposit Dr 1000 / Cr 2000 (sub-ledger: the group
id), withdrawal the reverse; relief payout Dr 3000 / Cr 1000. A reversal books the exact
opposite of the reversed event's entry on the reversal's own date; it carries the reversed
event's facts, so no lookup is needed.

Why an allocation debits 4000 subscription income and not 3100 general reserve: nothing
ever credits the reserve (there is no year-end closing entry), so debiting it would drive
it negative; 4000's balance *is* the income not yet set aside, and the union refuses an
allocation larger than that balance on its date or any later date (insufficient_reserve).
"""

from __future__ import annotations

from collections.abc import Callable

from domain.books import JournalEntry, Posting, cr, dr, journal
from domain.ledger import LedgerAggregate, event_id_text
from domain.money import Money
from domain.union import MONEY_EVENTS, Union
from domain.union_records import MONEY_KIND_NAMES, MoneyRecord

Rule = Callable[[Money, str | None], list[Posting]]

_RULES: dict[str, Rule] = {
    "subscription": lambda a, g: [dr("1000", a), cr("4000", a)],
    "sar_contribution": lambda a, g: [dr("1000", a), cr("3000", a)],
    "relief_fund_grant": lambda a, g: [dr("1000", a), cr("3000", a)],
    "income_allocation": lambda a, g: [dr("4000", a), cr("3000", a)],
    "sye_deposit": lambda a, g: [dr("1000", a), cr("2000", a, g)],
    "sye_withdrawal": lambda a, g: [dr("2000", a, g), cr("1000", a)],
    "relief_payout": lambda a, g: [dr("3000", a), cr("1000", a)],
}


def union_journal_entry(event: LedgerAggregate.Event) -> JournalEntry | None:
    """The balanced entry of a union money event; None for any other event."""
    if isinstance(event, Union.EntryReversed):
        original = record_entry(event.reversed_record(), "")
        name = MONEY_KIND_NAMES[event.reversed_kind]
        return original.reversed(
            event.on, f"Reversal of {name} {event.reversed_event_id}: {event.reason}"
        )
    if isinstance(event, MONEY_EVENTS):
        return record_entry(event.record(), f"{type(event).__name__} {event_id_text(event)}")
    return None


def record_entry(record: MoneyRecord, description: str) -> JournalEntry:
    """The entry of one union money movement, dated on the record's date."""
    group = None if record.group_id is None else str(record.group_id)
    lines = _RULES[record.kind](record.amount, group)
    return journal(record.on, description or MONEY_KIND_NAMES[record.kind], *lines)
