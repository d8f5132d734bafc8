"""Stored states encoded by orjson, in the format the library's JSON decoder reads.

Every save encodes its events, and every few hundred events a group's snapshot: a year
of weekly meetings is 0.5-1 MB of JSON, which Python's `json` encoder took 13 ms to
write, orjson 5 ms (docs/PERFORMANCE.md). The format is the library's own: each value of
a registered type as `{"_type_": name, "_data_": data}`, so what is stored decodes with
the library's unchanged decoder, and states stored before decode as they did.

orjson writes a few types itself that the library's encoder hands to a transcoding:
dates and datetimes and dataclasses (sent to the transcodings here by orjson's options),
UUIDs and enums (replaced before orjson sees them, `_native`). Whatever orjson refuses
(an integer beyond 64 bits, a key that is not a string, a type without a transcoding) is
encoded by the library's encoder instead, which encodes it, or raises its own error.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    UUIDAsHex,
)

OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
           | orjson.OPT_PASSTHROUGH_SUBCLASS)
# Values both encoders write as themselves (exact types: subclasses go to a transcoding).
_PLAIN = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = frozenset({dict, list, tuple})


class PlainOutput:
    """A mark on a transcoding whose `encode` returns only plain JSON values (str, int,
    float, bool, None, and lists and dicts of them): its output is not searched for
    UUIDs and enums. The library's UUID, Decimal and datetime transcodings are plain."""


_LIBRARY_PLAIN = (UUIDAsHex, DecimalAsStr, DatetimeAsISO)
_Encoding = tuple[str, Callable[[Any], Any], bool]


class FastJSONTranscoder(JSONTranscoder):
    """The library's JSON transcoder, encoding with orjson."""

    def __init__(self) -> None:
        super().__init__()
        self._encodings: dict[type, _Encoding] = {}

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        plain = isinstance(transcoding, (PlainOutput, *_LIBRARY_PLAIN))
        self._encodings[transcoding.type] = (transcoding.name, transcoding.encode, plain)

    def encode(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(self._native(obj), default=self._default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().encode(obj)

    def _default(self, o: Any) -> dict[str, Any]:
        found = self._encodings.get(type(o))
        if found is None:
            raise TypeError(f"no transcoding for {type(o)}")  # the library's encoder says
        name, encode, plain = found
        data = encode(o)
        return {"_type_": name, "_data_": data if plain else self._native(data)}

    def _native(self, o: Any) -> Any:
        """`o`, or a copy of it with each UUID and enum in its containers replaced by its
        transcoding (raising the library's error when it has none). Containers without
        any are returned as they are, not copied."""
        kind = type(o)
        if kind in _PLAIN:
            return o
        if kind is dict:
            copy: dict[Any, Any] | None = None
            for key, value in o.items():
                if type(value) in _PLAIN:
                    continue
                native = self._native(value)
                if native is not value:
                    if copy is None:
                        copy = dict(o)
                    copy[key] = native
            return o if copy is None else copy
        if kind is list or kind is tuple:
            items: list[Any] | None = None
            for index, value in enumerate(o):
                if type(value) in _PLAIN:
                    continue
                native = self._native(value)
                if native is not value:
                    if items is None:
                        items = list(o)
                    items[index] = native
            return o if items is None else items
        if isinstance(o, (UUID, enum.Enum)) and not isinstance(o, (str, int)):
            return self._encode_obj(o)
        return o

