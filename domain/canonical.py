"""The canonical encoding of an event and its chain hash, as auditors recompute them.

canonical bytes = UTF-8 JSON, keys sorted, no spaces, of
    {"topic": <event class topic>, "aggregate_id": <uuid, hyphenated>,
     "version": <int>, "timestamp": <ISO 8601>, "data": {<every other field but chain_hash>}}
with Decimal as its string, Money as {"amount": str, "currency": str}, date and datetime as
ISO 8601, UUID hyphenated, enums as their value, tuples as lists.

chain_hash = sha256( previous chain_hash (64 hex ASCII chars; 64 zeros for the first event)
                     followed by the canonical bytes ).hexdigest()
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson

from domain.group_state import ClosedEntries
from domain.money import Money

GENESIS_HASH = "0" * 64
# Fields outside the hashed data: the envelope, the hash itself, and the schema version a
# stored event may carry (an upcast must not change what was hashed).
ENVELOPE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "chain_hash", "class_version"}
)


def _same(value: Any) -> Any:
    return value


def _money(value: Money) -> dict[str, str]:
    return {"amount": str(value.amount), "currency": value.currency}


# The values of nearly every event field, by their exact type: one lookup instead of the
# chain of checks below (every event of a meeting sheet is hashed as it is recorded).
# Subclasses and containers take the chain, which maps them the same way.
_BY_TYPE: dict[type, Callable[[Any], Any]] = {
    type(None): _same, bool: _same, int: _same, str: _same, Decimal: str, UUID: str,
    date: date.isoformat, datetime: datetime.isoformat, Money: _money,
}


def canonical_value(value: Any) -> Any:
    """Map a domain value onto plain JSON values, deterministically."""
    by_type = _BY_TYPE.get(type(value))
    if by_type is not None:
        return by_type(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return canonical_value(value.value)
    if isinstance(value, Mapping):
        return {str(k): canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    if isinstance(value, ClosedEntries):
        return canonical_value(value.as_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"no canonical encoding for {type(value).__name__}")


# The canonical JSON as the standard library writes it (and auditors' scripts with it):
# keys sorted, no spaces, UTF-8 as it is. One encoder for every event.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(body: Any) -> bytes:
    """`body`'s canonical JSON, as UTF-8 bytes.

    orjson writes the same bytes as `_CANONICAL_JSON` for these plain values (sorted keys
    in code point order, the same escapes for every character: tests/domain/
    test_chain_hash.py compares every code point and random bodies), at a fraction of the
    cost; what it refuses (an integer beyond 64 bits) the standard library writes.
    """
    try:
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return _CANONICAL_JSON.encode(body).encode()


def canonical_bytes(
    topic: str, aggregate_id: UUID, version: int, timestamp: datetime, data: Mapping[str, Any]
) -> bytes:
    body = {
        "topic": topic,
        "aggregate_id": str(aggregate_id),
        "version": version,
        "timestamp": timestamp.isoformat(),
        "data": {k: canonical_value(v) for k, v in data.items() if k not in ENVELOPE_FIELDS},
    }
    return canonical_json(body)


def chain_hash(previous: str, canonical: bytes) -> str:
    return hashlib.sha256(previous.encode("ascii") + canonical).hexdigest()
