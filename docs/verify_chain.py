#!/usr/bin/env python3
"""Recompute every hash chain of a union-ledger export, with nothing but the standard library.

Usage:  python3 verify_chain.py export.jsonl

An export (`union-ledger export`) has one JSON object per line, in log order, each with
`aggregate_id`, `version`, `topic` and `state`: the event exactly as stored, as JSON text.
For each aggregate this script rebuilds the canonical encoding of every event and checks

    chain_hash == sha256( previous chain_hash (64 zeros for version 1) + canonical bytes )

The canonical bytes are UTF-8 JSON with sorted keys and no spaces of
    {"topic", "aggregate_id" (hyphenated UUID), "version", "timestamp" (ISO 8601),
     "data": every other field of the event except chain_hash}
where values are plain JSON: decimals and dates as their strings, UUIDs hyphenated, money
as {"amount", "currency"}, records as objects of their fields. In the stored state, typed
values are wrapped as {"_type_": name, "_data_": value}; unwrapping them gives exactly that.
"""

from __future__ import annotations

import hashlib
import json
import sys
import uuid
from typing import Any

GENESIS = "0" * 64
ENVELOPE = {"originator_id", "originator_version", "timestamp", "chain_hash", "class_version"}


def plain(value: Any) -> Any:
    """Unwrap the stored {"_type_", "_data_"} forms into canonical JSON values."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"_type_", "_data_"}:
        kind, data = value["_type_"], value["_data_"]
        if kind == "uuid_hex":
            return str(uuid.UUID(data))
        return plain(data)  # decimals, dates, datetimes, money and records
    return {key: plain(v) for key, v in value.items()}


def expected(previous: str, line: dict[str, Any]) -> tuple[str, str]:
    state = plain(json.loads(line["state"]))
    body = {
        "topic": line["topic"],
        "aggregate_id": str(uuid.UUID(line["aggregate_id"])),
        "version": line["version"],
        "timestamp": state["timestamp"],
        "data": {k: v for k, v in state.items() if k not in ENVELOPE},
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(previous.encode("ascii") + canonical.encode("utf-8")).hexdigest()
    return digest, str(state.get("chain_hash"))


def main(path: str) -> int:
    heads: dict[str, tuple[int, str]] = {}
    checked = 0
    with open(path, encoding="utf-8") as lines:
        for text in lines:
            if not text.strip():
                continue
            line = json.loads(text)
            aggregate, version = line["aggregate_id"], line["version"]
            last_version, last_hash = heads.get(aggregate, (0, GENESIS))
            digest, stored = expected(last_hash, line)
            checked += 1
            if version != last_version + 1 or digest != stored:
                print(f"BROKEN at aggregate {aggregate} version {version} "
                      f"({checked} events checked)")
                return 1
            heads[aggregate] = (version, stored)
    print(f"OK: {checked} events in {len(heads)} chains")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
