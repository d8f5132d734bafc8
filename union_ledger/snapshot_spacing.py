"""How many events apart an aggregate's snapshots are: more as its state holds more.

A snapshot is the aggregate's whole state, encoded, sent and stored each time; a cold
load decodes the latest one and replays the events after it. A group keeps every entry
of its open cycle (for reversals), so after a year of weekly meetings its state holds
3,000-5,000 records, 0.7-1.1 MB: one snapshot cost the API 15-20 ms to encode and
PostgreSQL 4 ms to store, and at a fixed 100 events apart three meeting sheets in four
paid for one. Decoding it takes about 15 ms, while replaying an event takes 35-47 µs:
replaying 100 events after it was much cheaper than the snapshot itself
(docs/PERFORMANCE.md).

So the spacing grows with the state: a snapshot is taken at least every `interval`
events (the setting, 50 by default: a small state's snapshot decodes in about the time
50 events replay), and every `records // RECORDS_PER_EVENT` events when that is more,
in whole multiples of the interval. Replaying one event costs about as much as decoding a
dozen of the state's records, so a cold load replays for at most about as long as it
decodes, whatever the state's size, and the cost of snapshots per event written stays
about the same as the state grows instead of growing with it.

The spacing is a function of the state alone (no memory of the last snapshot), and a
save takes a snapshot when its events reach a multiple of the spacing. The spacing moves
by one interval only after `RECORDS_PER_EVENT * interval` more records, many spacings
later, so snapshots stay at most about two spacings apart while it moves.
"""

from __future__ import annotations

from typing import Any

RECORDS_PER_EVENT = 12  # records decoded from a snapshot in the time one event replays


def held_records(aggregate: Any) -> int:
    """How many records the aggregate's state holds: the items of its collections."""
    return sum(len(value) for value in vars(aggregate).values()
               if isinstance(value, (dict, list)))


def snapshot_spacing(aggregate: Any, interval: int) -> int:
    """Events between the aggregate's snapshots: a multiple of `interval`, larger as its
    state holds more records."""
    return interval * max(1, held_records(aggregate) // (RECORDS_PER_EVENT * interval))


def snapshot_due(aggregate: Any, interval: int, first: int, last: int) -> bool:
    """Whether a save of versions first..last reaches a multiple of the spacing."""
    spacing = snapshot_spacing(aggregate, interval)
    return last // spacing > (first - 1) // spacing
