"""Commands borrow cached aggregates instead of deep-copying them, and give them back on success.

The library's cache hands every command a deep copy of the cached aggregate, so that a
refused or conflicting command cannot leave half-applied changes behind. A group's and a
union's state grows with their history (every reversible entry is kept), so that copy cost
grew with the log: about 35 ms for a group of 600 events, about 0.5 s at 10,000.

Here a command *checks the aggregate out* instead: it is taken out of the cache, so no one
else can see or change it, brought up to date from the store, and changed by the command.
When the save commits, it goes back into the cache, already at its stored version. When the
command is refused, or its save conflicts, or anything else fails, it is dropped: the next
command rebuilds it from its latest snapshot and the events after it. Nothing half-applied
is ever seen again, as with the copy, but the copy is only paid for after a failure.

A read outside a command (the arrears report reads the Union aggregate) checks the
aggregate out the same way, copies it, and gives it back at once: it never fast-forwards
an aggregate a command is changing, and never sees a command's unsaved changes.

Two commands of one process on the same aggregate take turns: the second waits (at most
CHECKOUT_WAIT_S) for the first to give it back. A command that already holds it (a nested
command in the same thread), or one that waited too long, rebuilds a private copy from the
store; its save then conflicts or succeeds as between two processes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

from union_ledger.cold_load import ColdLoad

CHECKOUT_WAIT_S = 1.0


@dataclass
class Borrowed:
    """One aggregate a command attempt holds; `registered` when it is the checked-out one."""

    aggregate_id: UUID
    registered: bool
    aggregate: Any = None


@dataclass
class Attempt:
    """What one attempt of one command has borrowed, given back when it ends; `replay`:
    the aggregates it must rebuild from their first event, not from a snapshot."""

    borrowed: list[Borrowed] = field(default_factory=list)
    replay: frozenset[UUID] = frozenset()


def fold(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply stored events (or a snapshot, then events) to an aggregate, in order."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class Checkouts:
    """The aggregates checked out of one application's cache, and who holds each."""

    def __init__(self, repository: Repository[UUID]) -> None:
        # The repository's cache is looked up each time: tests replace it to empty it.
        self.repository = repository
        self._holders: dict[UUID, int] = {}  # aggregate id → thread ident
        self._changed = threading.Condition()
        snapshot_store = repository.snapshot_store
        self._cold_load = None if snapshot_store is None else ColdLoad.of(
            snapshot_store.recorder, repository.event_store.recorder)

    def borrow(self, attempt: Attempt, aggregate_id: UUID) -> Any:
        """The aggregate, up to date and for this attempt alone (None when not found)."""
        entry, cached = self._take(aggregate_id)
        attempt.borrowed.append(entry)
        if aggregate_id in attempt.replay:
            entry.aggregate = self.replay(aggregate_id)
        elif cached is not None:
            newer = self.repository.event_store.get(aggregate_id, gt=cached.version)
            entry.aggregate = fold(cached, newer)
        else:
            entry.aggregate = self.rebuild(aggregate_id)
        return entry.aggregate

    def copy(self, aggregate_id: UUID) -> Any:
        """A private, up-to-date copy of the aggregate to read (None when not found)."""
        attempt = Attempt()
        try:
            aggregate = self.borrow(attempt, aggregate_id)
            return deepcopy(aggregate)
        finally:
            self.give_back(attempt, saved=True)

    def _take(self, aggregate_id: UUID) -> tuple[Borrowed, Any]:
        me = threading.get_ident()
        deadline = time.monotonic() + CHECKOUT_WAIT_S
        with self._changed:
            while True:
                holder = self._holders.get(aggregate_id)
                remaining = deadline - time.monotonic()
                if holder is None or holder == me or remaining <= 0:
                    break
                self._changed.wait(remaining)
            if holder is not None:
                return Borrowed(aggregate_id, registered=False), None
            self._holders[aggregate_id] = me
            cached = None
            cache = self.repository.cache
            if cache is not None:
                try:
                    cached = cache.get(aggregate_id, evict=True)
                except KeyError:
                    cached = None
            return Borrowed(aggregate_id, registered=True), cached

    def rebuild(self, aggregate_id: UUID) -> Any:
        """The aggregate from its latest snapshot and the events after it (None: unknown)."""
        snapshot_store = self.repository.snapshot_store
        if self._cold_load is not None and snapshot_store is not None:
            snapshot, stored = self._cold_load.read(aggregate_id)
            to_event = self.repository.event_store.mapper.to_domain_event
            first = [] if snapshot is None else [snapshot_store.mapper.to_domain_event(snapshot)]
            return fold(fold(None, first), (to_event(event) for event in stored))
        snapshots = []
        if snapshot_store is not None:
            snapshots = list(snapshot_store.get(aggregate_id, desc=True, limit=1))
        after = snapshots[0].originator_version if snapshots else None
        events = self.repository.event_store.get(aggregate_id, gt=after)
        return fold(fold(None, snapshots), events)

    def replay(self, aggregate_id: UUID) -> Any:
        """The aggregate from its first event, with every part of its history that its
        snapshots leave out (None: unknown)."""
        return fold(None, self.repository.event_store.get(aggregate_id))

    def give_back(self, attempt: Attempt, *, saved: bool) -> None:
        """End an attempt: what it saved returns to the cache, anything else is dropped."""
        with self._changed:
            for entry in attempt.borrowed:
                aggregate = entry.aggregate
                if saved and aggregate is not None and not aggregate.pending_events:
                    self._cache_newer(entry.aggregate_id, aggregate)
                if entry.registered:
                    self._holders.pop(entry.aggregate_id, None)
            self._changed.notify_all()

    def _cache_newer(self, aggregate_id: UUID, aggregate: Any) -> None:
        # A reader may have cached a rebuilt copy meanwhile; the newer one stays.
        cache = self.repository.cache
        if cache is None:
            return
        try:
            cached = cache.get(aggregate_id)
        except KeyError:
            cached = None
        if cached is None or cached.version < aggregate.version:
            cache.put(aggregate_id, aggregate)
