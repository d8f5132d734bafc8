"""A journal entry cannot be built unbalanced: its construction checks every line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.books import JournalEntry, Posting, cr, dr, journal
from domain.errors import InvariantViolation
from domain.money import Money

ON = date(2026, 3, 2)


def ugx(amount: str) -> Money:
    return Money(Decimal(amount), "UGX")


def test_a_balanced_entry_keeps_its_lines_and_drops_zero_ones() -> None:
    entry = journal(ON, "loan", dr("1100", ugx("1100"), "m1"), cr("1000", ugx("1000")),
                    cr("4000", ugx("100")), cr("4010", ugx("0")))
    assert [(p.account, p.side, p.amount) for p in entry.postings] == [
        ("1100", "debit", ugx("1100")), ("1000", "credit", ugx("1000")),
        ("4000", "credit", ugx("100"))]
    assert sum(p.signed() for p in entry.postings) == 0


def test_each_currency_balances_on_its_own() -> None:
    kes = Money(Decimal("50.25"), "KES")
    journal(ON, "two books", dr("1000", ugx("700")), cr("3000", ugx("700")),
            dr("1000", kes), cr("3000", kes))
    with pytest.raises(InvariantViolation, match="does not balance"):
        journal(ON, "mixed", dr("1000", ugx("700")), cr("3000", Money(Decimal("700"), "KES")))


def test_an_unbalanced_entry_is_refused_with_its_totals() -> None:
    with pytest.raises(InvariantViolation, match=r"'short' does not balance: .*UGX"):
        journal(ON, "short", dr("1000", ugx("500")), cr("3000", ugx("499")))


def test_an_entry_of_fewer_than_two_lines_is_refused() -> None:
    with pytest.raises(InvariantViolation, match="'alone' has < 2 lines"):
        JournalEntry(ON, "alone", (dr("1000", ugx("5")),))
    with pytest.raises(InvariantViolation, match="< 2 lines"):  # zero lines are dropped
        journal(ON, "zeros", dr("1000", ugx("5")), cr("3000", ugx("0")))


def test_a_negative_or_zero_line_is_refused() -> None:
    with pytest.raises(InvariantViolation, match="non-positive posting in 'negative'"):
        JournalEntry(ON, "negative", (Posting("1000", "debit", ugx("-5")),
                                      Posting("3000", "debit", ugx("5"))))
    with pytest.raises(InvariantViolation, match="non-positive posting in 'zero'"):
        JournalEntry(ON, "zero", (dr("1000", ugx("0")), cr("3000", ugx("0"))))
