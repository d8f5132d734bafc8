"""The orjson encoder writes what the library's JSON decoder reads back as the library's
own encoder would have it: the same values of the same types, or the library's error."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.group_state import EntryRecord
from domain.ledger import Meta
from domain.money import Money
from union_ledger.application import LedgerApplication
from union_ledger.bootstrap import build_application
from union_ledger.demo import _record_demo
from union_ledger.fast_json import FastJSONTranscoder
from union_ledger.settings import load_settings
from union_ledger.transcodings import register_all


class Colour(enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    SMALL = 1


class Labels(dict[str, str]):
    pass


@dataclass(frozen=True)
class Payout:
    group_id: UUID
    affected: list[UUID]
    paid: Money
    on: date


def transcoders() -> tuple[JSONTranscoder, FastJSONTranscoder]:
    pair = (JSONTranscoder(), FastJSONTranscoder())
    for transcoder in pair:
        transcoder.register(UUIDAsHex())
        transcoder.register(DecimalAsStr())
        transcoder.register(DatetimeAsISO())
        register_all(transcoder, (Payout, EntryRecord))
    return pair


def typed(value: Any) -> Any:
    """The value with the type of every part of it: `==` alone has 1 == True == 1.0."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(item) for item in value])
    return (type(value).__qualname__, value)


def assert_same_as_library(value: Any) -> bytes:
    library, fast = transcoders()
    encoded = fast.encode(value)
    assert typed(library.decode(encoded)) == typed(library.decode(library.encode(value)))
    return encoded


def test_uuids_anywhere_keep_their_type() -> None:
    one, two = uuid4(), uuid4()
    value = {"id": one, "ids": [one, (two, "x")], "nested": {"deep": [{"id": two}]}}
    encoded = assert_same_as_library(value)
    assert JSONTranscoder.decode(transcoders()[0], encoded)["nested"]["deep"][0]["id"] == two


def test_uuids_inside_a_dataclass_keep_their_type() -> None:
    payout = Payout(uuid4(), [uuid4(), uuid4()], Money.of(1500, "UGX"), date(2026, 3, 2))
    assert_same_as_library({"payout": payout, "payouts": [payout]})


def test_dates_datetimes_decimals_money_and_records_round_trip() -> None:
    record = EntryRecord("share_purchase", date(2026, 1, 5), Money.of(2000, "UGX"), "m-1",
                         shares=2, charge=Money.of(125, "UGX"))
    assert_same_as_library({
        "on": date(2026, 2, 28), "at": datetime(2026, 2, 28, 9, 30, tzinfo=UTC),
        "rate": Decimal("0.10"), "cash": Money.of(0, "UGX"), "entries": {"e1": record},
        "text": "Kisoro – mukama \u00e9\n\"quoted\"", "flag": True, "none": None, "n": -3,
    })


def test_an_enum_without_a_transcoding_is_refused_as_the_library_refuses_it() -> None:
    library, fast = transcoders()
    with pytest.raises(TranscodingNotRegisteredError):
        library.encode({"colour": Colour.RED})
    with pytest.raises(TranscodingNotRegisteredError):
        fast.encode({"colour": Colour.RED})
    with pytest.raises(TranscodingNotRegisteredError):
        fast.encode({"colours": [{"c": Colour.RED}]})


def test_what_orjson_refuses_is_encoded_by_the_library() -> None:
    # Integers beyond 64 bits, keys that are not strings, subclasses of dict and of int.
    assert_same_as_library({"big": 2**70, "small": -(2**70)})
    assert_same_as_library({1: "one", "ok": {2: "two"}})
    assert_same_as_library({"labels": Labels(a="b")})
    assert_same_as_library({"size": Size.SMALL})


class Code(str):
    pass


class CodeAsText(Transcoding):
    type = Code
    name = "code"

    def encode(self, obj: Code) -> str:
        return str(obj)

    def decode(self, data: str) -> Code:
        return Code(data)


def test_a_registered_subclass_of_a_json_type_is_written_as_the_library_writes_it() -> None:
    # The library's encoder writes a str subclass as a string, never asking its
    # transcoding: so does this one.
    library, fast = transcoders()
    for transcoder in (library, fast):
        transcoder.register(CodeAsText())
    value = {"code": Code("KIS-01"), "codes": [Code("A")]}
    assert typed(library.decode(fast.encode(value))) == typed(
        library.decode(library.encode(value)))
    assert type(library.decode(fast.encode(value))["code"]) is str


def test_an_unregistered_type_raises_the_library_error() -> None:
    _, fast = transcoders()
    with pytest.raises(TranscodingNotRegisteredError):
        fast.encode({"when": timedelta(days=1)})


def test_containers_without_uuids_are_not_copied() -> None:
    _, fast = transcoders()
    entries = {"e1": EntryRecord("fine", date(2026, 1, 5), Money.of(500, "UGX"), "m")}
    assert fast._native(entries) is entries
    assert fast._native([entries, (date(2026, 1, 5), Decimal("1.5"))])[0] is entries
    value = {"id": uuid4(), "entries": entries}
    native = fast._native(value)
    assert native is not value and native["entries"] is entries
    assert isinstance(value["id"], UUID)  # the caller's state is left as it was


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.text(max_size=12), st.uuids(), st.dates(),
    st.datetimes(timezones=st.just(UTC)),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9,
                min_value=-(10**9)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_any_state_decodes_as_the_library_encoded_it(state: dict[str, Any]) -> None:
    assert_same_as_library(state)


@pytest.fixture(scope="module")
def demo_app() -> LedgerApplication:
    app = build_application(load_settings(persistence="memory"),
                            clock=lambda: date(2026, 3, 2))
    summary = _record_demo(app, None)
    assert summary.simulation is not None
    group = next(group for group in map(app.load_group, summary.simulation.group_ids)
                 if group.entries)
    entry = next(iter(group.entries))
    app.reverse_group_entry(group.id, UUID(entry), "typed twice", on=date(2026, 2, 27),
                            meta=Meta("test", "reversal"))
    return app


def test_every_stored_event_and_every_snapshot_encode_as_the_library_would(
    demo_app: LedgerApplication,
) -> None:
    app = demo_app
    notifications = app.recorder.select_notifications(start=1, limit=app.position())
    for notification in notifications:
        state = dict(vars(app.mapper.to_domain_event(notification)))
        assert_encoded_alike(app, state)
    # The demo's meetings, loans, write-offs, share-out, transfers, hazard and relief.
    assert len({notification.topic for notification in notifications}) > 20
    for aggregate_id in {UUID(str(n.originator_id)) for n in notifications}:
        assert_encoded_alike(app, Snapshot.take(app.repository.get(aggregate_id)).state)


def assert_encoded_alike(app: LedgerApplication, state: dict[str, Any]) -> None:
    transcoder = app.mapper.transcoder
    assert isinstance(transcoder, FastJSONTranscoder)
    by_library = JSONTranscoder.encode(transcoder, state)
    assert typed(transcoder.decode(transcoder.encode(state))) == typed(
        transcoder.decode(by_library))
