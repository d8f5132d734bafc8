"""Round trips of date, Money and snapshot dataclasses through a real JSONTranscoder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidAmount, UnknownCurrency
from domain.group_state import (
    ClosedEntries,
    EntryRecord,
    EntryTable,
    Loan,
    pack_ids,
    unpack_ids,
)
from domain.money import Money
from union_ledger import transcodings
from union_ledger.fast_json import FastJSONTranscoder
from union_ledger.transcodings import (
    ClosedEntriesAsHex,
    DataclassAsDict,
    DateAsISO,
    EntryTableAsColumns,
    MoneyAsDict,
    dataclass_transcoding_name,
    register_all,
    stored_date,
    stored_money,
)


@dataclass(frozen=True)
class Share:
    member_id: UUID
    bought_on: date
    price: Money


@dataclass
class CycleState:
    opened_on: date
    opened_at: datetime
    cash: Money
    shares: list[Share]
    balances: dict[str, Money] = field(default_factory=dict)
    rate: Decimal = Decimal("0.10")
    label: str | None = None
    computed: int = field(default=0, init=False)


def make_transcoder(*dataclasses: type) -> JSONTranscoder:
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DecimalAsStr())
    transcoder.register(DatetimeAsISO())
    register_all(transcoder, dataclasses)
    return transcoder


def round_trip(transcoder: JSONTranscoder, value: object) -> object:
    return transcoder.decode(transcoder.encode(value))


def test_date_round_trips_as_iso_text() -> None:
    transcoder = make_transcoder()
    encoded = transcoder.encode({"on": date(2024, 2, 29)})
    assert encoded == b'{"on":{"_type_":"date_iso","_data_":"2024-02-29"}}'
    assert round_trip(transcoder, date(2024, 2, 29)) == date(2024, 2, 29)


def test_datetime_keeps_its_own_transcoding_beside_date() -> None:
    transcoder = make_transcoder()
    moment = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    decoded = round_trip(transcoder, [moment, date(2024, 3, 1)])
    assert decoded == [moment, date(2024, 3, 1)]
    assert isinstance(decoded, list)
    assert type(decoded[0]) is datetime
    assert type(decoded[1]) is date
    assert b"datetime_iso" in transcoder.encode(moment)


@pytest.mark.parametrize(
    "money",
    [Money.of("1250", "UGX"), Money.of("-0.05", "KES"), Money.of("12.345", "BHD")],
)
def test_money_round_trips_exactly(money: Money) -> None:
    transcoder = make_transcoder()
    decoded = round_trip(transcoder, money)
    assert decoded == money
    assert isinstance(decoded, Money)
    assert str(decoded.amount) == str(money.amount)


def test_money_is_stored_as_amount_text_and_currency() -> None:
    transcoder = make_transcoder()
    assert transcoder.encode(Money.of("10.50", "USD")) == (
        b'{"_type_":"money","_data_":{"amount":"10.50","currency":"USD"}}'
    )


def test_nested_dataclass_state_round_trips() -> None:
    transcoder = make_transcoder(Share, CycleState)
    member = uuid4()
    state = CycleState(
        opened_on=date(2024, 1, 8),
        opened_at=datetime(2024, 1, 8, 10, 0, tzinfo=UTC),
        cash=Money.of("150000", "UGX"),
        shares=[Share(member, date(2024, 1, 8), Money.of("2000", "UGX"))],
        balances={str(member): Money.of("2000", "UGX"), "social_fund": Money.zero("UGX")},
        label="first cycle",
    )
    state.computed = 7
    decoded = round_trip(transcoder, state)
    assert decoded == state
    assert isinstance(decoded, CycleState)
    assert decoded.computed == 7
    assert isinstance(decoded.shares[0], Share)
    assert decoded.shares[0].member_id == member


def test_dataclass_is_stored_under_its_qualified_name() -> None:
    transcoder = make_transcoder(Share)
    data = transcoder.encode(Share(UUID(int=1), date(2024, 1, 1), Money.zero("UGX")))
    assert dataclass_transcoding_name(Share) == "tests.test_transcodings.Share"
    assert b'"_type_":"tests.test_transcodings.Share"' in data


def test_unregistered_dataclass_is_refused() -> None:
    transcoder = make_transcoder()
    with pytest.raises(TranscodingNotRegisteredError):
        transcoder.encode(Share(UUID(int=1), date(2024, 1, 1), Money.zero("UGX")))


def test_only_dataclass_types_get_a_dataclass_transcoding() -> None:
    with pytest.raises(TypeError):
        DataclassAsDict(int, "int")


def test_a_type_keeps_its_transcoding_name() -> None:
    transcoder = make_transcoder()
    with pytest.raises(ValueError, match="already has the transcoding 'money'"):
        register_all(transcoder, [Money])


def test_transcoding_names_are_the_stored_ones() -> None:
    # Renaming any of these would make stored events unreadable.
    assert (DateAsISO.name, MoneyAsDict.name) == ("date_iso", "money")


FULL_RECORD = EntryRecord(
    kind="loan_repaid", on=date(2026, 3, 2), amount=Money.of("12.50", "USD"),
    member_id="m-1", loan_id="l-7", shares=2, charge=Money.of("2.50", "USD"),
    principal=Money.of("10.00", "USD"), transfer_id="t-9", hazard_id="h-3",
    period="2026", cycle_number=4, reversed_by="e-5")
BARE_RECORD = EntryRecord(kind="fine", on=date(2026, 3, 2), amount=Money.of("500", "UGX"))


@pytest.mark.parametrize("record", [FULL_RECORD, BARE_RECORD])
def test_entry_records_round_trip_as_flat_lists(record: EntryRecord) -> None:
    transcoder = make_transcoder(EntryRecord)
    encoded = transcoder.encode({"entries": [record]})
    assert b"entry_record_v2" in encoded
    assert b"money" not in encoded  # no nested Money objects: one transcoding per record
    assert transcoder.decode(encoded) == {"entries": [record]}


def test_entry_records_of_older_snapshots_still_decode() -> None:
    older = JSONTranscoder()
    older.register(DateAsISO())
    older.register(MoneyAsDict())
    older.register(DataclassAsDict(EntryRecord, dataclass_transcoding_name(EntryRecord)))
    stored = older.encode([FULL_RECORD, BARE_RECORD])
    assert make_transcoder(EntryRecord).decode(stored) == [FULL_RECORD, BARE_RECORD]


def test_entry_records_take_a_fraction_of_their_dict_form() -> None:
    older = JSONTranscoder()
    older.register(DateAsISO())
    older.register(MoneyAsDict())
    older.register(DataclassAsDict(EntryRecord, dataclass_transcoding_name(EntryRecord)))
    records = [FULL_RECORD, BARE_RECORD] * 50
    assert len(make_transcoder(EntryRecord).encode(records)) < len(older.encode(records)) / 2


def test_registering_twice_keeps_the_compact_entry_records() -> None:
    transcoder = make_transcoder(EntryRecord)
    register_all(transcoder, [EntryRecord])
    assert round_trip(transcoder, [FULL_RECORD]) == [FULL_RECORD]
    assert b"entry_record_v2" in transcoder.encode([FULL_RECORD])


MINOR_UNITS = {"UGX": 0, "KES": 2, "BHD": 3}


@st.composite
def entry_records(draw: st.DrawFn) -> EntryRecord:
    """Any record a group could hold: every optional field present or not."""
    currency = draw(st.sampled_from(sorted(MINOR_UNITS)))

    def money() -> Money:
        minor = draw(st.integers(min_value=-10**12, max_value=10**12))
        return Money.of(Decimal(minor).scaleb(-MINOR_UNITS[currency]), currency)

    def text() -> str | None:
        return draw(st.none() | st.text(min_size=1, max_size=8))

    return EntryRecord(
        kind=draw(st.sampled_from(["share_purchase", "loan_repaid", "fine", "sye_deposit"])),
        on=draw(st.dates()), amount=money(), member_id=text(), loan_id=text(),
        shares=draw(st.integers(min_value=0, max_value=100)),
        charge=money() if draw(st.booleans()) else None,
        principal=money() if draw(st.booleans()) else None,
        transfer_id=text(), hazard_id=text(), period=text(),
        cycle_number=draw(st.none() | st.integers(min_value=1, max_value=99)),
        reversed_by=text())


@settings(max_examples=200)
@given(st.dictionaries(st.text(min_size=1, max_size=12), entry_records(), max_size=12))
def test_an_entry_table_decodes_into_the_records_it_holds(
    entries: dict[str, EntryRecord],
) -> None:
    for transcoder in (make_transcoder(EntryRecord), FastJSONTranscoder()):
        if isinstance(transcoder, FastJSONTranscoder):
            register_all(transcoder, (EntryRecord,))
        encoded = transcoder.encode({"entries": EntryTable(entries)})
        assert b"entry_table_v1" in encoded
        assert b"entry_record_v2" not in encoded  # one value, not one per record
        decoded = transcoder.decode(encoded)
        assert decoded == {"entries": entries}
        assert list(decoded["entries"]) == list(entries)  # in the group's order


def test_an_entry_table_writes_null_for_a_field_no_record_uses() -> None:
    columns = EntryTableAsColumns().encode(EntryTable({"a": BARE_RECORD, "b": BARE_RECORD}))
    assert columns["kind"] == ["fine", "fine"]
    assert columns["shares"] == [0, 0]
    unused = {name for name, values in columns.items() if values is None}
    assert unused == {"member_id", "loan_id", "charge", "principal", "transfer_id",
                      "hazard_id", "period", "cycle_number", "reversed_by"}
    full = EntryTableAsColumns().encode(EntryTable({"a": BARE_RECORD, "b": FULL_RECORD}))
    assert all(values is not None for values in full.values())
    assert full["reversed_by"] == [None, "e-5"]


def test_an_entry_table_refuses_columns_of_unequal_lengths() -> None:
    columns = EntryTableAsColumns().encode(EntryTable({"a": FULL_RECORD, "b": BARE_RECORD}))
    assert columns["kind"] is not None
    columns["kind"] = columns["kind"][:1]
    with pytest.raises(ValueError, match="zip"):
        EntryTableAsColumns().decode(columns)


LOAN = Loan(
    loan_id="l-7", member_id="m-1", cycle_number=2, principal=Money.of("100.00", "KES"),
    service_charge=Money.of("10.00", "KES"), term_months=3, disbursed_on=date(2026, 1, 5),
    due_on=date(2026, 4, 5), charge_paid=Money.of("2.50", "KES"),
    principal_paid=Money.of("40.00", "KES"), written_off=Money.zero("KES"), status="open")


def test_loans_round_trip_as_flat_lists() -> None:
    transcoder = make_transcoder(Loan)
    encoded = transcoder.encode({"loans": {"l-7": LOAN}})
    assert b"loan_v2" in encoded
    assert b"money" not in encoded
    decoded = transcoder.decode(encoded)
    assert decoded == {"loans": {"l-7": LOAN}}
    assert str(decoded["loans"]["l-7"].principal_paid.amount) == "40.00"


def test_loans_of_older_snapshots_still_decode() -> None:
    older = JSONTranscoder()
    older.register(DateAsISO())
    older.register(MoneyAsDict())
    older.register(DataclassAsDict(Loan, dataclass_transcoding_name(Loan)))
    assert make_transcoder(Loan).decode(older.encode([LOAN])) == [LOAN]


def _closed_entries(count: int) -> ClosedEntries:
    closed = ClosedEntries()
    closed.add([(str(UUID(int=n * 7919)), date(2026, 1, 5 + n % 3), None)
                for n in range(1, count + 1)])
    closed.add([(str(UUID(int=10**6)), date(2026, 1, 5), "reverser-id")])  # a day again
    return closed


def test_closed_entries_round_trip_as_base64_of_their_bytes() -> None:
    closed = _closed_entries(30)
    assert len(closed) == 31
    assert closed.get(str(UUID(int=10**6))) == ("2026-01-05", "reverser-id")
    assert closed.get(str(UUID(int=7919))) == ("2026-01-06", None)
    assert sum(len(unpack_ids(text)) for text in closed.by_day.values()) == 31 * 16
    encoded = make_transcoder().encode({"closed": closed})
    assert b"closed_entries_v4" in encoded
    assert str(UUID(int=7919)).encode() not in encoded
    assert UUID(int=7919).hex.encode() not in encoded
    decoded = make_transcoder().decode(encoded)
    assert decoded == {"closed": closed}
    assert list(decoded["closed"]) == list(closed)
    assert decoded["closed"].as_dict() == closed.as_dict()


def test_closed_entries_of_older_snapshots_still_decode() -> None:
    closed = _closed_entries(30)
    older = JSONTranscoder()
    older.register(ClosedEntriesAsHex())
    encoded = older.encode({"closed": closed})
    assert b"closed_entries_v3" in encoded
    assert UUID(int=7919).hex.encode() in encoded  # 32 hex digits an id
    decoded = make_transcoder().decode(encoded)
    assert decoded == {"closed": closed}
    assert len(encoded) > len(make_transcoder().encode({"closed": closed}))


@pytest.mark.parametrize("text", ["AAAA", "not base64!", "A" * 23])
def test_packed_ids_refuse_what_is_not_whole_ids(text: str) -> None:
    with pytest.raises(ValueError):
        unpack_ids(text)
    assert unpack_ids(pack_ids(bytes(32))) == bytes(32)


@pytest.mark.parametrize("text, currency", [("1250", "UGX"), ("-0.05", "KES"),
                                            ("12.345", "BHD"), ("0.00", "USD")])
def test_stored_money_equals_constructed_money(text: str, currency: str) -> None:
    Money.zero(currency)  # the currency seen before, as in a running process
    stored = Money.stored(text, currency)
    assert stored == Money(Decimal(text), currency)
    assert str(stored.amount) == text


@pytest.mark.parametrize("text", ["12.505", "1e30", "NaN", "Infinity"])
def test_stored_money_refuses_what_the_constructor_refuses(text: str) -> None:
    Money.zero("KES")
    with pytest.raises(InvalidAmount):
        Money.stored(text, "KES")


def test_stored_money_of_an_unseen_currency_is_checked_by_the_constructor() -> None:
    with pytest.raises(UnknownCurrency):
        Money.stored("1", "XXX")


def test_decoded_dates_and_amounts_are_made_once_and_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transcodings, "_DATES", {})  # as in a new process
    monkeypatch.setattr(transcodings, "_AMOUNTS", {})
    transcoder = make_transcoder(EntryRecord, Loan)
    encoded = transcoder.encode([FULL_RECORD, FULL_RECORD, LOAN])
    first, second, loan = transcoder.decode(encoded)
    assert (first, second, loan) == (FULL_RECORD, FULL_RECORD, LOAN)
    assert first.on is second.on and first.amount is second.amount
    assert stored_date("2026-03-02") is first.on
    assert stored_money("12.50", "USD") is first.amount
    assert stored_money("12.50", "KES") == Money.of("12.50", "KES")  # per currency


def test_the_shared_dates_and_amounts_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transcodings, "DECODED_MAX", 3)
    monkeypatch.setattr(transcodings, "_DATES", {})  # as in a new process
    monkeypatch.setattr(transcodings, "_AMOUNTS", {})
    days = [stored_date(f"2026-01-0{day}") for day in range(1, 8)]
    amounts = [stored_money(str(n), "UGX") for n in range(7)]
    assert days == [date(2026, 1, day) for day in range(1, 8)]
    assert amounts == [Money.of(str(n), "UGX") for n in range(7)]
    assert len(transcodings._DATES) <= 3
    assert len(transcodings._AMOUNTS["UGX"]) <= 3
