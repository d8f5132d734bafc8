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
encoded by the library's encoder instead, which encodes it, or raises its own error; so
is a subclass of a JSON type (str, int, dict, ...), which the library's encoder writes as
its base type even when it has a transcoding.
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


class PlainOutput:
    """A mark on a transcoding whose `encode` returns only plain JSON values (str, int,
    float, bool, None, and lists and dicts of them): its output is not searched for
    UUIDs and enums. The library's UUID, Decimal and datetime transcodings are plain."""


_LIBRARY_PLAIN = (UUIDAsHex, DecimalAsStr, DatetimeAsISO)
# Types orjson writes itself (never asking `default`), or that the library's encoder
# writes as their base type whatever is registered: not handed to a transcoding here.
_WRITTEN_AS_BASE = (UUID, enum.Enum, str, int, float, dict, list, tuple)
_Encoding = tuple[str, Callable[[Any], Any], bool]


class FastJSONTranscoder(JSONTranscoder):
    """The library's JSON transcoder, encoding with orjson."""

    def __init__(self) -> None:
        super().__init__()
        # The registered types orjson hands to `_default` (not a UUID, an enum, or a
        # subclass of a JSON type): `_native` need not look into them.
        self._deferred: dict[type, _Encoding] = {}

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        if issubclass(transcoding.type, _WRITTEN_AS_BASE):
            self._deferred.pop(transcoding.type, None)
            return
        plain = isinstance(transcoding, (PlainOutput, *_LIBRARY_PLAIN))
        self._deferred[transcoding.type] = (transcoding.name, transcoding.encode, plain)

    def encode(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(self._native(obj), default=self._default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().encode(obj)

    def _default(self, o: Any) -> dict[str, Any]:
        found = self._deferred.get(type(o))
        if found is None:
            # No transcoding (the library's encoder raises its error), or a subclass of a
            # JSON type, which the library's encoder writes as that type.
            raise TypeError(f"encoded by the library's encoder: {type(o)}")
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
        if kind is dict or kind is list or kind is tuple:
            skip = self._deferred
            copy: Any = None
            for key, value in (o.items() if kind is dict else enumerate(o)):
                if type(value) in _PLAIN or type(value) in skip:
                    continue
                native = self._native(value)
                if native is not value:
                    if copy is None:
                        copy = dict(o) if kind is dict else list(o)
                    copy[key] = native
            return o if copy is None else copy
        if isinstance(o, (UUID, enum.Enum)) and not isinstance(o, (str, int)):
            return self._encode_obj(o)
        return o

