"""JSON transcodings for the domain's value types and for aggregate snapshot state."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.group_state import (
    ClosedEntries,
    EntryRecord,
    EntryTable,
    Loan,
    pack_ids,
    unpack_ids,
)
from domain.money import Money
from union_ledger.fast_json import PlainOutput

# Dates and amounts decoded, by their stored text: both are immutable, and the same few
# recur through a snapshot or a batch of events (a meeting's date, a share's value), so
# each is made once and shared. Emptied when full, so they stay small.
DECODED_MAX = 4096
_DATES: dict[str, date] = {}
_AMOUNTS: dict[str, dict[str, Money]] = {}


def stored_date(text: str) -> date:
    """The date of this ISO text, as `date.fromisoformat` makes it."""
    found = _DATES.get(text)
    if found is None:
        if len(_DATES) >= DECODED_MAX:
            _DATES.clear()
        found = _DATES[text] = date.fromisoformat(text)
    return found


def stored_money(text: str, currency: str) -> Money:
    """The Money of this stored amount text, as `Money.stored` makes it."""
    amounts = _AMOUNTS.get(currency)
    if amounts is None:
        amounts = _AMOUNTS.setdefault(currency, {})
    found = amounts.get(text)
    if found is None:
        if len(amounts) >= DECODED_MAX:
            amounts.clear()
        found = amounts[text] = Money.stored(text, currency)
    return found


class DateAsISO(PlainOutput, Transcoding):
    """A calendar date as "YYYY-MM-DD" (datetime keeps the library's own transcoding)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return stored_date(data)


class MoneyAsDict(PlainOutput, Transcoding):
    """Money as {"amount": "<exact decimal>", "currency": "<ISO 4217>"}."""

    type = Money
    name = "money"

    def encode(self, obj: Money) -> dict[str, str]:
        return {"amount": str(obj.amount), "currency": obj.currency}

    def decode(self, data: dict[str, str]) -> Money:
        return stored_money(data["amount"], data["currency"])


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


class EntryRecordAsList(PlainOutput, Transcoding):
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
            kind, stored_date(on), stored_money(amount, currency), member_id,
            loan_id, shares, _money(charge, currency), _money(principal, currency),
            transfer_id, hazard_id, period, cycle_number, reversed_by)


class EntryTableAsColumns(PlainOutput, Transcoding):
    """A group's open entries (`EntryTable`) as one value: their ids and each field's
    values side by side, a field no record uses as null; decoded into the dict of records.

    As one list per record (`EntryRecordAsList`), a 52-week snapshot's thousands of
    records each cost a call of the encoder's hook and of the decoder's, and a JSON object
    around each list. Snapshots written before it (records one by one) still decode.
    """

    type = EntryTable
    name = "entry_table_v1"
    FIELDS = ("kind", "on", "amount", "currency", "member_id", "loan_id", "shares", "charge",
              "principal", "transfer_id", "hazard_id", "period", "cycle_number",
              "reversed_by")

    def encode(self, obj: EntryTable) -> dict[str, list[Any] | None]:
        records = obj.entries.values()
        # A few dates recur through a cycle's records: each is written as text once.
        days = {day: day.isoformat() for day in {r.on for r in records}}
        columns: dict[str, list[Any] | None] = {
            "id": list(obj.entries),
            "kind": [r.kind for r in records],
            "on": [days[r.on] for r in records],
            "amount": [str(r.amount.amount) for r in records],
            "currency": [r.amount.currency for r in records],
            "member_id": _column([r.member_id for r in records]),
            "loan_id": _column([r.loan_id for r in records]),
            "shares": [r.shares for r in records],
            "charge": _column([None if r.charge is None else str(r.charge.amount)
                               for r in records]),
            "principal": _column([None if r.principal is None else str(r.principal.amount)
                                  for r in records]),
            "transfer_id": _column([r.transfer_id for r in records]),
            "hazard_id": _column([r.hazard_id for r in records]),
            "period": _column([r.period for r in records]),
            "cycle_number": _column([r.cycle_number for r in records]),
            "reversed_by": _column([r.reversed_by for r in records]),
        }
        return columns

    def decode(self, data: dict[str, list[Any] | None]) -> dict[str, EntryRecord]:
        ids = data["id"] or []
        unused = [None] * len(ids)
        columns = [unused if data[field] is None else data[field] for field in self.FIELDS]
        entries: dict[str, EntryRecord] = {}
        rows: Iterable[tuple[Any, ...]] = zip(ids, *columns, strict=True)
        for row in rows:
            (event_id, kind, on, amount, currency, member_id, loan_id, shares, charge,
             principal, transfer_id, hazard_id, period, cycle_number, reversed_by) = row
            entries[event_id] = EntryRecord(
                kind, stored_date(on), stored_money(amount, currency), member_id, loan_id,
                shares, _money(charge, currency), _money(principal, currency), transfer_id,
                hazard_id, period, cycle_number, reversed_by)
        return entries


def _column(values: list[Any]) -> list[Any] | None:
    """A field's values, or None when no record has one."""
    return None if values.count(None) == len(values) else values


class LoanAsList(PlainOutput, Transcoding):
    """A group's loan as one flat list of JSON values, its amounts in its currency.

    A group keeps every loan it ever made (hundreds after a few years), each with five
    amounts: as a dict of fields with each Money a nested dict, the loans were the slowest
    part of a snapshot to decode. Snapshots written before it (loans as `DataclassAsDict`,
    under the dataclass's name) still decode.
    """

    type = Loan
    name = "loan_v2"

    def encode(self, obj: Loan) -> list[Any]:
        return [obj.loan_id, obj.member_id, obj.cycle_number, obj.principal.currency,
                str(obj.principal.amount), str(obj.service_charge.amount), obj.term_months,
                obj.disbursed_on.isoformat(), obj.due_on.isoformat(),
                str(obj.charge_paid.amount), str(obj.principal_paid.amount),
                str(obj.written_off.amount), obj.status]

    def decode(self, data: list[Any]) -> Loan:
        (loan_id, member_id, cycle_number, currency, principal, service_charge, term_months,
         disbursed_on, due_on, charge_paid, principal_paid, written_off, status) = data
        stored = stored_money
        return Loan(
            loan_id, member_id, cycle_number, stored(principal, currency),
            stored(service_charge, currency), term_months, stored_date(disbursed_on),
            stored_date(due_on), stored(charge_paid, currency),
            stored(principal_paid, currency), stored(written_off, currency), status)


class ClosedEntriesAsDict(PlainOutput, Transcoding):
    """A group's closed entries as their packed ids per date and their reversers."""

    type = ClosedEntries
    name = "closed_entries_v4"

    def encode(self, obj: ClosedEntries) -> dict[str, dict[str, str]]:
        return {"by_day": obj.by_day, "reversed_by": obj.reversed_by}

    def decode(self, data: dict[str, dict[str, str]]) -> ClosedEntries:
        return ClosedEntries(data["by_day"], data["reversed_by"])


class ClosedEntriesAsHex(PlainOutput, Transcoding):
    """Closed entries as snapshots stored them first: each date's ids as 32 hex digits
    each, end to end (half as large again as their base64). Decoded only: into the
    packed form `ClosedEntriesAsDict` writes."""

    type = ClosedEntries
    name = "closed_entries_v3"

    def encode(self, obj: ClosedEntries) -> dict[str, dict[str, str]]:
        return {"by_day": {day: unpack_ids(text).hex() for day, text in obj.by_day.items()},
                "reversed_by": obj.reversed_by}

    def decode(self, data: dict[str, dict[str, str]]) -> ClosedEntries:
        by_day = {day: pack_ids(bytes.fromhex(digits)) for day, digits in data["by_day"].items()}
        return ClosedEntries(by_day, data["reversed_by"])


# The dataclasses stored as flat lists: registered after their dict form, so they encode
# as lists while snapshots with the dict form still decode.
LIST_FORMS: dict[type, Transcoding] = {EntryRecord: EntryRecordAsList(), Loan: LoanAsList()}


def _amount(money: Money | None) -> str | None:
    return None if money is None else str(money.amount)


def _money(amount: str | None, currency: str) -> Money | None:
    return None if amount is None else stored_money(amount, currency)


def dataclass_transcoding_name(cls: type) -> str:
    """The stable name a dataclass is stored under: its module and qualified name."""
    return f"{cls.__module__}.{cls.__qualname__}"


def register_all(transcoder: JSONTranscoder, extra_dataclasses: Iterable[type] = ()) -> None:
    """Register date, Money, a group's closed entries, its table of open entries and one
    `DataclassAsDict` per given dataclass type (the flat list form of those in
    `LIST_FORMS`).

    The library's defaults (UUID, Decimal, datetime) are registered by the Application.
    """
    transcoder.register(DateAsISO())
    transcoder.register(MoneyAsDict())
    transcoder.register(ClosedEntriesAsHex())  # decodes older snapshots
    transcoder.register(ClosedEntriesAsDict())  # registered last: encodes
    transcoder.register(EntryTableAsColumns())
    extra_dataclasses = tuple(extra_dataclasses)
    for cls in extra_dataclasses:
        name = dataclass_transcoding_name(cls)
        existing = transcoder.types.get(cls)
        list_form = LIST_FORMS.get(cls)
        if existing is not None and existing.name not in (
            name, list_form.name if list_form else None
        ):
            raise ValueError(f"{name} already has the transcoding {existing.name!r}")
        transcoder.register(DataclassAsDict(cls, name))
    for cls, list_form in LIST_FORMS.items():
        if cls in extra_dataclasses:
            # Registered last, so it encodes; the dict form still decodes old snapshots.
            transcoder.register(list_form)
