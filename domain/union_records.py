"""What a union remembers about its groups and each money event: small snapshot-safe records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from domain.money import Money

MoneyKind = Literal[
    "subscription",
    "sar_contribution",
    "sye_deposit",
    "sye_withdrawal",
    "relief_fund_grant",
    "income_allocation",
    "relief_payout",
]

MONEY_KIND_NAMES: dict[str, str] = {
    "subscription": "subscription",
    "sar_contribution": "SAR contribution",
    "sye_deposit": "SYE deposit",
    "sye_withdrawal": "SYE withdrawal",
    "relief_fund_grant": "relief fund grant",
    "income_allocation": "allocation of income to the relief fund",
    "relief_payout": "relief payout",
}


@dataclass(frozen=True)
class Affiliation:
    """A group of the union: its id, name and the date it joined the union."""

    group_id: UUID
    name: str
    affiliated_on: date

    def __deepcopy__(self, memo: dict[int, object]) -> Affiliation:
        return self  # immutable: see Money.__deepcopy__


@dataclass(frozen=True)
class MoneyRecord:
    """The facts of one money event that its reversal (and its journal entry) need."""

    kind: MoneyKind
    on: date
    amount: Money
    group_id: UUID | None = None
    period: str | None = None
    hazard_id: UUID | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> MoneyRecord:
        return self  # immutable: see Money.__deepcopy__
