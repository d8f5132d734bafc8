"""JSON transcodings for the domain's value types and for aggregate snapshot state."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.group_state import EntryRecord
from domain.money import Money


class DateAsISO(Transcoding):
    """A calendar date as "YYYY-MM-DD" (datetime keeps the library's own transcoding)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class MoneyAsDict(Transcoding):
    """Money as {"amount": "<exact decimal>", "currency": "<ISO 4217>"}."""

    type = Money
    name = "money"

    def encode(self, obj: Money) -> dict[str, str]:
        return {"amount": str(obj.amount), "currency": obj.currency}

    def decode(self, data: dict[str, str]) -> Money:
        return Money(Decimal(data["amount"]), data["currency"])


class DataclassAsDict(Transcoding):
    """One dataclass type as a dict of its fields, decoded by calling the class.

    The encoding is shallow: the JSON encoder transcodes each field value in turn, so
    values must themselves be JSON types or have a registered transcoding. Tuples come
    back as lists. Fields with `init=False` are restored after construction.
    """

    def __init__(self, cls: type, name: str) -> None:
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise TypeError(f"{cls!r} is not a dataclass type")
        self.type = cls
        self.name = name
        self._fields = tuple(dataclasses.fields(cls))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {field.name: getattr(obj, field.name) for field in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        init_values = {f.name: data[f.name] for f in self._fields if f.init and f.name in data}
        obj = self.type(**init_values)
        for field in self._fields:
            if not field.init and field.name in data:
                # Works for frozen dataclasses too, as dataclasses' own __init__ does.
                object.__setattr__(obj, field.name, data[field.name])
        return obj


class EntryRecordAsList(Transcoding):
    """A group's entry record as one flat list of JSON values, its amounts in its currency.

    A group snapshot holds every reversible entry of the open cycle (thousands after a
    year of weekly meetings), so this one type is most of a snapshot. As a dict of fields
    each record cost several nested transcodings (the record, each Money, the date) both
    ways; as a list it costs one, and a third of the bytes. Snapshots written before it
    (records as `DataclassAsDict`, under the dataclass's name) still decode.
    """

    type = EntryRecord
    name = "entry_record_v2"

    def encode(self, obj: EntryRecord) -> list[Any]:
        return [obj.kind, obj.on.isoformat(), str(obj.amount.amount), obj.amount.currency,
                obj.member_id, obj.loan_id, obj.shares, _amount(obj.charge),
                _amount(obj.principal), obj.transfer_id, obj.hazard_id, obj.period,
                obj.cycle_number, obj.reversed_by]

    def decode(self, data: list[Any]) -> EntryRecord:
        (kind, on, amount, currency, member_id, loan_id, shares, charge, principal,
         transfer_id, hazard_id, period, cycle_number, reversed_by) = data
        return EntryRecord(
            kind, date.fromisoformat(on), Money(Decimal(amount), currency), member_id,
            loan_id, shares, _money(charge, currency), _money(principal, currency),
            transfer_id, hazard_id, period, cycle_number, reversed_by)


def _amount(money: Money | None) -> str | None:
    return None if money is None else str(money.amount)


def _money(amount: str | None, currency: str) -> Money | None:
    return None if amount is None else Money(Decimal(amount), currency)


def dataclass_transcoding_name(cls: type) -> str:
    """The stable name a dataclass is stored under: its module and qualified name."""
    return f"{cls.__module__}.{cls.__qualname__}"


def register_all(transcoder: JSONTranscoder, extra_dataclasses: Iterable[type] = ()) -> None:
    """Register date, Money and one `DataclassAsDict` per given dataclass type.

    The library's defaults (UUID, Decimal, datetime) are registered by the Application.
    """
    transcoder.register(DateAsISO())
    transcoder.register(MoneyAsDict())
    extra_dataclasses = tuple(extra_dataclasses)
    for cls in extra_dataclasses:
        name = dataclass_transcoding_name(cls)
        existing = transcoder.types.get(cls)
        if existing is not None and existing.name not in (name, EntryRecordAsList.name):
            raise ValueError(f"{name} already has the transcoding {existing.name!r}")
        transcoder.register(DataclassAsDict(cls, name))
    if EntryRecord in extra_dataclasses:
        # Registered last, so it encodes; the dict form above still decodes old snapshots.
        transcoder.register(EntryRecordAsList())
