"""A faster way to seed the log: the same domain commands, many of them per `app.save`.

`BulkLedger` is the ledger application with one change: a command's save is held back
and the held aggregates are saved together, in one transaction, once they hold
FLUSH_EVENTS events (and at every simulated week's end). Every event still comes from a
domain command, is hash-chained by its aggregate and stored through `app.save`, with
snapshots; the log it writes is the one the ordinary path writes, in fewer transactions.
It is for an empty store with no other writer: a refused command would leave a held
aggregate half-changed, so it stops the seeding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain import errors
from domain.group import Group
from domain.ledger import LedgerAggregate, Meta
from union_ledger.application import LedgerApplication
from union_ledger.core import A
from union_ledger.simulation import SimulationSummary, simulate

FLUSH_EVENTS = 5000
HAZARD_GROUPS = 50  # a hazard strikes a district, not a whole federation
HEAVY_MEMBERS = (30, 30)
HEAVY_EVENTS_PER_WEEK = 62  # a 30-member meeting books about this many events
BENCH_META = Meta(actor="bench", request_id="bench-seed")

Progress = Callable[[int, int], None]


class BulkLedger(LedgerApplication):
    """The ledger application, saving the commands' aggregates in large transactions."""

    # The library names the tables after the application: the same tables as the ledger's.
    name = LedgerApplication.name

    def __init__(self, env: Mapping[str, str] | None = None, *, snapshot_interval: int) -> None:
        # Every group stays loaded (0: no limit): a bounded cache smaller than the groups
        # cycling through it would rebuild each group from its snapshot at every meeting.
        super().__init__({**(env or {}), "AGGREGATE_CACHE_MAXSIZE": "0"},
                         snapshot_interval=snapshot_interval)
        self._held: dict[UUID, LedgerAggregate] = {}
        self._held_events = 0
        self._position = super().position()
        self.transactions = 0

    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:
        """Hold the aggregates (kept in the cache, so reads see them); flush when full."""
        for aggregate in objs:
            if isinstance(aggregate, LedgerAggregate) and aggregate.pending_events:
                self._held_events += len(aggregate.pending_events)
                self._held[aggregate.id] = aggregate
                if self.repository.cache is not None:
                    self.repository.cache.put(aggregate.id, aggregate)
        if self._held_events >= FLUSH_EVENTS:
            self.flush()
        return []

    def flush(self) -> None:
        """Save every held aggregate in one transaction."""
        if not self._held:
            return
        recordings = super().save(*self._held.values())
        self.transactions += 1
        if recordings:
            self._position = max(self._position, recordings[-1].notification.id)
        self._held.clear()
        self._held_events = 0

    def _load(self, aggregate_id: UUID, cls: type[A], missing: type[errors.DomainError]) -> A:
        held = self._held.get(aggregate_id)
        if held is not None:
            if not isinstance(held, cls):
                raise missing(f"{cls.__name__.lower()} {aggregate_id} not found",
                              id=str(aggregate_id))
            return held
        return super()._load(aggregate_id, cls, missing)

    def position(self) -> int:
        return self._position


@dataclass(frozen=True)
class SeededLog:
    """A seeded union: its groups, a hazard over some of them, and what it cost."""

    summary: SimulationSummary
    hazard_id: UUID
    events: int
    transactions: int


def seed_union(
    app: BulkLedger, *, groups: int, weeks: int, seed: int, end_on: date, code: str,
    progress: Progress | None = None, members: tuple[int, int] | None = None,
) -> SeededLog:
    """Simulate a union of `groups` groups over `weeks` weeks, and declare a hazard."""
    start = app.position()

    def week_done(done: int, total: int) -> None:
        app.flush()
        if progress is not None:
            progress(done, total)

    extra: dict[str, Any] = {} if members is None else {"members": members}
    summary = simulate(app, groups=groups, weeks=weeks, seed=seed, end_on=end_on,
                       union_code=code, progress=week_done, actor="bench", **extra)
    affected = list(summary.group_ids[:HAZARD_GROUPS])
    hazard = app.declare_hazard(
        summary.union_id, kind="flood", description="Bench flood over the first groups",
        declared_on=end_on, affected_group_ids=affected, meta=BENCH_META,
    ).value
    app.flush()
    hazard_id = getattr(hazard, "hazard_id", None)
    if not isinstance(hazard_id, UUID):  # pragma: no cover - HazardDeclared carries it
        raise TypeError("the hazard declared has no id")
    return SeededLog(summary, hazard_id, app.position() - start, app.transactions)


def heavy_group(app: BulkLedger, *, events_min: int, seed: int, end_on: date) -> Group:
    """One group of 30 members whose history holds at least `events_min` events."""
    weeks = events_min // HEAVY_EVENTS_PER_WEEK + 2
    log = seed_union(app, groups=1, weeks=weeks, seed=seed, end_on=end_on, code="HEAVY",
                     members=HEAVY_MEMBERS)
    group = app.load_group(log.summary.group_ids[0])
    if group.version < events_min:
        extra_days = 0
        while group.version < events_min and extra_days < 7:  # a few extra meetings
            extra_days += 1
            _extra_meeting(app, group, end_on - timedelta(days=extra_days))
            group = app.load_group(group.id)
    return group


def _extra_meeting(app: BulkLedger, group: Group, on: date) -> None:
    from union_ledger.group_cases import MeetingEntry

    cycle = group.open_cycle
    if cycle is None or on.isoformat() in group.meetings or on <= (group.last_shareout_on
                                                                   or date.min):
        return
    members = [m.member_id for m in group.active_members()]
    entries = [MeetingEntry("share_purchase", m, shares=cycle.min_shares) for m in members]
    app.record_meeting(group.id, held_on=on, attendance=members, entries=entries,
                       meta=BENCH_META)
    app.flush()
