"""JSON transcodings for the domain's value types and for aggregate snapshot state."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

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


def dataclass_transcoding_name(cls: type) -> str:
    """The stable name a dataclass is stored under: its module and qualified name."""
    return f"{cls.__module__}.{cls.__qualname__}"


def register_all(transcoder: JSONTranscoder, extra_dataclasses: Iterable[type] = ()) -> None:
    """Register date, Money and one `DataclassAsDict` per given dataclass type.

    The library's defaults (UUID, Decimal, datetime) are registered by the Application.
    """
    transcoder.register(DateAsISO())
    transcoder.register(MoneyAsDict())
    for cls in extra_dataclasses:
        name = dataclass_transcoding_name(cls)
        existing = transcoder.types.get(cls)
        if existing is not None and existing.name != name:
            raise ValueError(f"{name} already has the transcoding {existing.name!r}")
        transcoder.register(DataclassAsDict(cls, name))
