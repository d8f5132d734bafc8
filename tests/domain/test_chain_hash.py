"""The hash chain: every event's chain hash is recomputed by an auditor from its stored facts."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.utils import get_topic
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.canonical import (
    ENVELOPE_FIELDS,
    GENESIS_HASH,
    canonical_bytes,
    canonical_json,
    canonical_value,
    chain_hash,
)
from domain.group import Group
from domain.ledger import LedgerAggregate
from domain.money import Money
from tests.domain.builders import (
    CYCLE_START,
    META,
    TODAY,
    GroupBuilder,
    events_of,
    meeting,
    ugx,
)


def history() -> Group:
    """A group whose history holds every kind of payload: lists, dicts, dataclasses, None."""
    builder = GroupBuilder().members("amina", "bosco", "cate").on(CYCLE_START).cycle()
    group = builder.group
    group.hold_meeting(held_on=meeting(1), attendance=["amina", "bosco"], meta=META,
                       today=TODAY)
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5).shares("cate", 1)
    builder.social_fund("amina").loan("bosco", "9000", 2, "L1").earnings("10")
    fine = group.charge_fine("cate", ugx("100"), "late", on=meeting(2), meta=META,
                             today=TODAY)
    group.reverse(str(fine.event_id), "wrong member", on=meeting(2), meta=META, today=TODAY)
    builder.on(meeting(2)).repay("L1", "3000").sye_deposit("500", "t-1")
    group.count_cash(ugx("7000"), ugx("500"), on=meeting(2), meta=META, today=TODAY)
    group.exit_member("cate", on=meeting(3), meta=META, today=TODAY)
    builder.on(meeting(4)).share_out().on(meeting(5)).cycle()
    return group


def recompute(event: LedgerAggregate.Event, previous: str, **changes: Any) -> str:
    """The chain hash as an auditor computes it from the stored event."""
    data = dict(vars(event), **changes)
    return chain_hash(previous, canonical_bytes(
        get_topic(type(event)), data["originator_id"], data["originator_version"],
        data["timestamp"], data,
    ))


def test_every_chain_hash_is_recomputed_from_the_event_and_the_previous_hash() -> None:
    group = history()
    previous = GENESIS_HASH
    events = events_of(group)
    assert len({type(e) for e in events}) >= 14
    for event in events:
        assert recompute(event, previous) == event.chain_hash, type(event).__name__
        previous = event.chain_hash
    assert group.head_hash == previous


def test_the_chain_survives_a_replay() -> None:
    group = history()
    replayed: Any = None
    for event in events_of(group):
        replayed = event.mutate(replayed)
    assert replayed.head_hash == group.head_hash


def changed(value: Any) -> Any:
    """A value of the same kind that differs from `value`."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "·"
    if isinstance(value, Decimal):
        return value + Decimal("0.0001")
    if isinstance(value, Money):
        return Money(value.amount + 1, value.currency)
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    if isinstance(value, UUID):
        return uuid5(value, "changed")
    if value is None:
        return "something"
    if isinstance(value, list):
        return [*value[:-1], changed(value[-1])] if value else ["something"]
    if isinstance(value, Mapping):
        return {**value, "9999": ugx("1")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        first = dataclasses.fields(value)[0].name
        return dataclasses.replace(value, **{first: changed(getattr(value, first))})
    raise TypeError(f"no change for {type(value).__name__}")


def test_changing_any_field_changes_the_hash() -> None:
    previous = GENESIS_HASH
    for event in events_of(history()):
        fields = [name for name in vars(event) if name != "chain_hash"]
        assert {"originator_id", "originator_version", "timestamp", "on", "actor",
                "request_id", "event_id"} <= set(fields)
        for name in fields:
            altered = recompute(event, previous, **{name: changed(vars(event)[name])})
            assert altered != event.chain_hash, f"{type(event).__name__}.{name}"
        assert recompute(event, "f" * 64) != event.chain_hash
        previous = event.chain_hash


def test_a_reversed_entry_keeps_the_payload_its_hash_was_computed_from() -> None:
    group = history()
    reversal = next(e for e in events_of(group) if type(e).__name__ == "EntryReversed")
    payload = vars(reversal)["reversed"]
    assert payload.reversed_by is None  # the group's own record is marked, not the event's
    reversed_id = vars(reversal)["reversed_event_id"]
    # The group's own record is marked; once its cycle closed, only its date and reverser
    # are kept.
    record = group.entries.get(reversed_id)
    assert group.closed_entries is not None
    closed = group.closed_entries.get(reversed_id)
    marked = record.reversed_by if record else closed[1] if closed else None
    assert marked == str(reversal.event_id)


def test_an_edited_event_is_found_by_walking_the_chain() -> None:
    events = events_of(history())
    stored = [dict(vars(e)) for e in events]
    stored[7]["on"] = stored[7]["on"] + timedelta(days=1)  # an edit made in the database

    def first_broken_link() -> int | None:
        previous = GENESIS_HASH
        for position, (event, row) in enumerate(zip(events, stored, strict=True)):
            if recompute(event, previous, **row) != row["chain_hash"]:
                return position
            previous = row["chain_hash"]
        return None

    assert first_broken_link() == 7


def test_the_canonical_encoding_is_sorted_compact_json_of_plain_values() -> None:
    when = datetime(2026, 1, 19, 8, 30)
    data: dict[str, Any] = {
        "chain_hash": "ignored", "originator_id": "ignored", "timestamp": "ignored",
        "originator_version": 3,
        "b_amount": ugx("2000"), "a_on": date(2026, 1, 19), "c_rate": Decimal("0.10"),
        "d_list": (1, "x"), "e_none": None,
    }
    aggregate_id = UUID("00000000-0000-4000-8000-000000000001")
    encoded = canonical_bytes("domain.group_events:SharesPurchased", aggregate_id, 3, when,
                              data)
    assert b" " not in encoded
    assert json.loads(encoded) == {
        "topic": "domain.group_events:SharesPurchased",
        "aggregate_id": "00000000-0000-4000-8000-000000000001",
        "version": 3,
        "timestamp": "2026-01-19T08:30:00",
        "data": {"a_on": "2026-01-19", "b_amount": {"amount": "2000", "currency": "UGX"},
                 "c_rate": "0.10", "d_list": [1, "x"], "e_none": None},
    }
    assert encoded.index(b'"aggregate_id"') < encoded.index(b'"data"') < encoded.index(
        b'"timestamp"')
    envelope = {"originator_id", "originator_version", "timestamp", "chain_hash", "class_version"}
    assert envelope == ENVELOPE_FIELDS
    assert len(GENESIS_HASH) == 64 and set(GENESIS_HASH) == {"0"}


class Kind(enum.StrEnum):
    SHARE = "share"


class Level(enum.IntEnum):
    HIGH = 3


def test_values_map_to_the_same_plain_json_whatever_their_exact_type() -> None:
    cases: list[tuple[Any, Any]] = [
        (None, None), (True, True), (False, False), (7, 7), ("x", "x"),
        (Decimal("-0.00"), "-0.00"), (UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (date(2026, 1, 19), "2026-01-19"),
        (datetime(2026, 1, 19, 8, 30, tzinfo=UTC), "2026-01-19T08:30:00+00:00"),
        (ugx("2000"), {"amount": "2000", "currency": "UGX"}),
        (Kind.SHARE, "share"), (Level.HIGH, 3), ({"k": (1, None)}, {"k": [1, None]}),
    ]
    for value, expected in cases:
        mapped = canonical_value(value)
        assert mapped == expected
        assert json.dumps(mapped) == json.dumps(expected)


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_bytes() -> None:
    canonical = b'{"data":{}}'
    expected = hashlib.sha256(GENESIS_HASH.encode() + canonical).hexdigest()
    assert chain_hash(GENESIS_HASH, canonical) == expected


# The canonical JSON as auditors' scripts write it with the standard library.
STANDARD = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_every_character_is_written_as_the_standard_library_writes_it() -> None:
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    body = {"text": everything, everything[:300]: [everything[-300:]]}
    assert canonical_json(body) == STANDARD.encode(body).encode()
    for code in range(0x800):
        assert canonical_json(chr(code)) == STANDARD.encode(chr(code)).encode()


plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              st.text(), st.sampled_from([Kind.SHARE, Level.HIGH])),
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=10), plain_values, max_size=8))
def test_canonical_json_is_the_standard_library_s_byte_for_byte(body: dict[str, Any]) -> None:
    assert canonical_json(body) == STANDARD.encode(body).encode()
