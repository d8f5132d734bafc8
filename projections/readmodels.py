"""How each event changes the read models. Events are folded onto domain aggregates, so
every row is computed from the domain's own state right after the event: nothing here
re-implements a rule.

Per event: journal entry and postings, account balances, statement lines, meetings,
cycle statistics, subscriptions and hazards. Per batch (`flush`): the summary rows of
each touched group, its members and loans, each touched union, and the entitlements
the batch may have changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.utils import get_topic

from domain import group_events
from domain.group import Group
from domain.group_events import CycleSharedOut
from domain.group_state import Loan
from domain.ledger import LedgerAggregate, event_id_text
from domain.postings import journal_entry
from domain.union import Union
from projections import group_rows, union_rows
from projections.batching import BufferedCursor
from projections.codec import minor, text
from projections.store import Cursor

Aggregate = Group | Union
Loader = Callable[[UUID, int], LedgerAggregate | None]


def _event_topics(owner: object) -> frozenset[str]:
    return frozenset(
        get_topic(value) for value in vars(owner).values()
        if isinstance(value, type) and issubclass(value, LedgerAggregate.Event)
    )


# The events folded into read models: those of groups and unions. The log also holds
# other aggregates' events (API keys, idempotency records); the engine steps over them,
# still advancing its position past them.
PROJECTED_TOPICS = _event_topics(group_events) | _event_topics(Union)


def projects(topic: str) -> bool:
    return topic in PROJECTED_TOPICS


Positioned = tuple[int, LedgerAggregate.Event]  # an event and its place in the log


def states_before(events: list[Positioned], load: Loader) -> dict[UUID, LedgerAggregate]:
    """Each aggregate a batch touches, as it was just before the batch's first event of it.

    The engine calls this before it opens its transaction: loading reads the event store,
    which must never wait on the read store's lock (with SQLite both are one file).
    """
    states: dict[UUID, LedgerAggregate] = {}
    seen: set[UUID] = set()
    for _, event in events:
        aggregate_id = event.originator_id
        if aggregate_id in seen:
            continue
        seen.add(aggregate_id)
        if event.originator_version > 1:
            before = load(aggregate_id, event.originator_version - 1)
            if before is None:
                raise LookupError(f"aggregate {aggregate_id} not found at version "
                                  f"{event.originator_version - 1}")
            states[aggregate_id] = before
    return states


@dataclass
class Batch:
    """The aggregates a batch has touched, at their state after its newest event."""

    cursor: Cursor
    states: dict[UUID, LedgerAggregate]
    positions: dict[UUID, int] = field(default_factory=dict)
    entitlement_groups: dict[UUID, set[str]] = field(default_factory=dict)
    all_entitlements: set[UUID] = field(default_factory=set)
    # (book, account, sub-account) → [debit, credit] the batch adds to rm_account_balances:
    # one upsert per account at the end instead of one per posting.
    balances: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    # Social fund and fines paid per member in the batch (see group_rows.MemberPaid).
    member_paid: group_rows.MemberPaid = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Row writes are held and sent in bulk by `flush` (see batching.py).
        self.cursor = BufferedCursor(self.cursor)

    def advance(self, event: LedgerAggregate.Event) -> Aggregate:
        """The aggregate after `event`, folded from its state before it (the event checks
        that it follows that state's version)."""
        after = event.mutate(self.states.get(event.originator_id))
        if not isinstance(after, Group | Union):  # pragma: no cover - only two aggregates
            raise TypeError(f"unexpected aggregate {type(after).__name__}")
        self.states[event.originator_id] = after
        return after


def apply(batch: Batch, position: int, event: LedgerAggregate.Event) -> None:
    """Project one event, with the aggregate state right after it."""
    open_before: dict[str, Loan] = {}
    if isinstance(event, CycleSharedOut):
        # The share-out settles these loans (in place) and moves them out of the state.
        before = batch.states.get(event.originator_id)
        if isinstance(before, Group):
            open_before = {k: x for k, x in before.loans.items() if x.status == "open"}
    state = batch.advance(event)
    batch.positions[event.originator_id] = position
    union_id = state.union_id if isinstance(state, Group) else state.id
    _journal(batch, position, event, state, union_id)
    if isinstance(state, Group):
        group_rows.on_event(batch.cursor, position, event, state, batch.member_paid,
                            open_before)
    else:
        union_rows.on_event(batch.cursor, event, state, batch)


def flush(batch: Batch) -> None:
    """Write the summary rows of every aggregate the batch touched."""
    for aggregate_id, position in batch.positions.items():
        state = batch.states[aggregate_id]
        if isinstance(state, Group):
            group_rows.flush(batch.cursor, state, position, batch.member_paid)
        elif isinstance(state, Union):
            union_rows.flush(batch.cursor, state, position)
            union_rows.flush_entitlements(
                batch.cursor, state, aggregate_id in batch.all_entitlements,
                batch.entitlement_groups.get(aggregate_id, set()),
            )
    batch.cursor.executemany(
        "INSERT INTO rm_account_balances (book_id, account, sub_account, debit, credit) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (book_id, account, sub_account) DO UPDATE SET "
        "debit = rm_account_balances.debit + excluded.debit, "
        "credit = rm_account_balances.credit + excluded.credit",
        [(*key, debit, credit) for key, (debit, credit) in batch.balances.items()],
    )
    batch.balances.clear()
    if isinstance(batch.cursor, BufferedCursor):
        batch.cursor.flush()


def _journal(
    batch: Batch, position: int, event: LedgerAggregate.Event, state: Aggregate,
    union_id: UUID,
) -> None:
    cursor = batch.cursor
    entry = journal_entry(event)
    if entry is None:
        return
    book_id = text(event.originator_id)
    entry_id = event_id_text(event)
    on = entry.on.isoformat()
    cursor.execute(
        "INSERT INTO rm_journal (entry_id, position, book_id, book_kind, union_id, on_date, "
        "description, event_id, event_type, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, position, book_id, "group" if isinstance(state, Group) else "union",
         text(union_id), on, entry.description, entry_id, type(event).__name__, event.actor),
    )
    rows = []
    for line, posting in enumerate(entry.postings):
        units = minor(posting.amount)
        debit, credit = (units, 0) if posting.side == "debit" else (0, units)
        sub = posting.sub_account or ""
        rows.append((entry_id, line, book_id, on, posting.account, sub, debit, credit,
                     position))
        totals = batch.balances.setdefault((book_id, posting.account, sub), [0, 0])
        totals[0] += debit
        totals[1] += credit
    cursor.executemany(
        "INSERT INTO rm_postings (entry_id, line, book_id, on_date, account, sub_account, "
        "debit, credit, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
