"""Double-entry value types: postings, balanced journal entries, and the charts of accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from domain.errors import invariant
from domain.money import Money

Side = Literal["debit", "credit"]

GROUP_ACCOUNTS: dict[str, str] = {
    "1000": "Cash – loan fund",
    "1010": "Cash – social fund",
    "1100": "Loans to members",
    "1200": "SYE deposits with union",
    "3000": "Member savings",
    "3100": "Social fund",
    "3200": "Retained surplus",
    "4000": "Service charge income",
    "4010": "Fine income",
    "4020": "Enterprise income",
    "5000": "Loan write-offs",
    "5010": "SAR contributions",
    "5020": "Union subscriptions",
}

UNION_ACCOUNTS: dict[str, str] = {
    "1000": "Cash",
    "2000": "SYE deposits held",
    "3000": "Relief fund",
    "3100": "General reserve",
    "4000": "Subscription income",
}

# Accounts whose normal balance is a debit (assets, expenses); the rest are credit-normal.
DEBIT_NORMAL_PREFIXES = ("1", "5")


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a journal entry. `sub_account` names the member or group of a sub-ledger."""

    account: str
    side: Side
    amount: Money
    sub_account: str | None = None

    def signed(self) -> Decimal:
        """Debit positive, credit negative."""
        return self.amount.amount if self.side == "debit" else -self.amount.amount


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced set of postings. Construction checks the balance: it cannot be skipped."""

    on: date
    description: str
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        # Each message is only written when its check fails: the projector builds an
        # entry for every money event it folds, and formatting them every time (the
        # totals' Decimals included) cost more than the checks themselves.
        if len(self.postings) < 2:
            invariant(False, f"journal entry {self.description!r} has < 2 lines")
        totals: dict[str, Decimal] = {}
        for posting in self.postings:
            money = posting.amount
            if not money.amount > 0:
                invariant(False, f"non-positive posting in {self.description!r}")
            signed = money.amount if posting.side == "debit" else -money.amount
            total = totals.get(money.currency)
            totals[money.currency] = signed if total is None else total + signed
        if any(totals.values()):
            invariant(False, f"journal entry {self.description!r} does not balance: {totals}")

    def reversed(self, on: date, description: str) -> JournalEntry:
        """The exact opposite entry, as a reversal books it."""
        flipped = tuple(
            Posting(p.account, "credit" if p.side == "debit" else "debit", p.amount, p.sub_account)
            for p in self.postings
        )
        return JournalEntry(on=on, description=description, postings=flipped)


def dr(account: str, amount: Money, sub_account: str | None = None) -> Posting:
    return Posting(account, "debit", amount, sub_account)


def cr(account: str, amount: Money, sub_account: str | None = None) -> Posting:
    return Posting(account, "credit", amount, sub_account)


def journal(on: date, description: str, *postings: Posting) -> JournalEntry:
    """A balanced entry; zero-amount lines are dropped (e.g. a repayment of principal only)."""
    lines = tuple(p for p in postings if not p.amount.is_zero)
    return JournalEntry(on=on, description=description, postings=lines)
