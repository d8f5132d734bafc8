"""The state records a Group keeps: members, cycles, loans and reversible entries."""

from __future__ import annotations

import calendar
from base64 import b64decode, b64encode
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from domain.money import Money


@dataclass
class Member:
    member_id: str
    name: str
    gender: str
    joined_on: date
    exited_on: date | None = None

    @property
    def is_active(self) -> bool:
        return self.exited_on is None


@dataclass
class Cycle:
    """A savings cycle with its fixed rules; `shares` counts each member's shares in it."""

    number: int
    started_on: date
    share_value: Money
    min_shares: int
    max_shares: int
    social_fund_contribution: Money
    service_charge_rate_monthly: Decimal
    max_loan_multiple: Decimal
    max_term_months: int
    max_open_loans_per_member: int
    shares: dict[str, int] = field(default_factory=dict)
    shares_by_day: dict[str, int] = field(default_factory=dict)
    latest_on: date | None = None
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def total_shares(self) -> int:
        return sum(self.shares.values())

    def savings_of(self, member_id: str) -> Money:
        # Whole shares of an exact share value: exact, nothing to round.
        return Money(self.share_value.amount * self.shares.get(member_id, 0),
                     self.share_value.currency)


@dataclass
class Loan:
    """A member loan; the flat service charge is due with the principal."""

    loan_id: str
    member_id: str
    cycle_number: int
    principal: Money
    service_charge: Money
    term_months: int
    disbursed_on: date
    due_on: date
    charge_paid: Money
    principal_paid: Money
    written_off: Money
    status: str = "open"  # open | repaid | written_off | settled | reversed

    @property
    def amount_due(self) -> Money:
        return self.principal + self.service_charge

    @property
    def outstanding(self) -> Money:
        return Money(self.outstanding_amount, self.principal.currency)

    @property
    def outstanding_amount(self) -> Decimal:
        """`outstanding` as a bare Decimal, for sums over many loans (every amount of a
        loan is in its group's currency, so the terms need no currency check)."""
        return (self.principal.amount + self.service_charge.amount - self.charge_paid.amount
                - self.principal_paid.amount - self.written_off.amount)

    @property
    def charge_outstanding(self) -> Money:
        return self.service_charge - self.charge_paid


ClosedEntryFacts = tuple[str, str | None]  # a closed entry's ISO date and its reverser
# The closed entries the application looked up in a group's stored events for the command
# being decided, by (group id, entry id): an entry's facts, or None when no closed cycle
# of that group has it. Set only while a command is decided again after `HistoryNeeded`
# (`LedgerCore.run`); a group restored from a snapshot answers from it (`Group.closed_entry`).
CLOSED_ENTRIES_FOUND: ContextVar[Mapping[tuple[UUID, str], ClosedEntryFacts | None] | None] = (
    ContextVar("closed_entries_found", default=None))


class ClosedEntries:
    """The entries of a group's closed cycles: enough to refuse their reversal with its reason.

    A share-out closes its cycle: its entries can no longer be reversed (`reversal.py`),
    so the group keeps, of each, only its date and the reversal that undid it, if one did.
    Ten thousand events into a group's history these are most of its entries, and they
    are in every snapshot and every cold load: so the ids are kept packed, per entry date
    the ids' 16 bytes end to end, as base64 text (`by_day`: a third more than the bytes,
    two thirds of their hex digits, and kept as text, so a snapshot writes and reads it as
    it is), and only the reversed ones with their reverser (`reversed_by`). A lookup
    decodes and scans them; it is made only when a reversal names an entry that is not in
    the open cycle.
    """

    __slots__ = ("by_day", "reversed_by")

    ID_BYTES = 16

    def __init__(self, by_day: dict[str, str] | None = None,
                 reversed_by: dict[str, str] | None = None) -> None:
        self.by_day: dict[str, str] = by_day if by_day is not None else {}
        self.reversed_by: dict[str, str] = reversed_by if reversed_by is not None else {}

    def add(self, entries: list[tuple[str, date, str | None]]) -> None:
        """Keep these (entry id, date, reverser) triples; ids are UUIDs in their text form."""
        packed: dict[str, list[bytes]] = {}
        for event_id, on, reversed_by in entries:
            packed.setdefault(on.isoformat(), []).append(UUID(event_id).bytes)
            if reversed_by is not None:
                self.reversed_by[event_id] = reversed_by
        for day, ids in packed.items():
            kept = unpack_ids(self.by_day[day]) if day in self.by_day else b""
            self.by_day[day] = pack_ids(kept + b"".join(ids))

    def get(self, event_id: str) -> tuple[str, str | None] | None:
        """The entry's date (ISO text) and reverser, or None when no closed cycle has it."""
        try:
            as_uuid = UUID(event_id)
        except ValueError:
            return None
        if str(as_uuid) != event_id:
            return None  # as in a dict of the ids' text forms: only that form is found
        wanted = as_uuid.bytes
        for day, text in self.by_day.items():
            ids = unpack_ids(text)
            at = ids.find(wanted)
            while at != -1:
                if at % self.ID_BYTES == 0:
                    return day, self.reversed_by.get(event_id)
                at = ids.find(wanted, at + 1)
        return None

    def as_dict(self) -> dict[str, list[str | None]]:
        """Every entry as id → [date, reverser], in the order the share-outs closed them."""
        return {event_id: [day, self.reversed_by.get(event_id)]
                for day, text in self.by_day.items() for event_id in _ids(text)}

    def __contains__(self, event_id: object) -> bool:
        return isinstance(event_id, str) and self.get(event_id) is not None

    def __iter__(self) -> Iterator[str]:
        for text in self.by_day.values():
            yield from _ids(text)

    def __len__(self) -> int:
        return sum(len(unpack_ids(text)) for text in self.by_day.values()) // self.ID_BYTES

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClosedEntries):
            return NotImplemented
        return self.by_day == other.by_day and self.reversed_by == other.reversed_by

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ClosedEntries({len(self)} entries, {len(self.reversed_by)} reversed)"


class EntryTable:
    """A group's open entries as one value of its snapshot (`Group.Snapshot`).

    A 52-week group holds thousands of entry records, each written and read as a value of
    its own (one encoder call and one decoder call apiece). Wrapped in this, the snapshot
    stores them column by column (`union_ledger/transcodings.py`) and reads them back
    into the dict the group holds.
    """

    __slots__ = ("entries",)

    def __init__(self, entries: dict[str, EntryRecord]) -> None:
        self.entries = entries

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntryTable):
            return NotImplemented
        return self.entries == other.entries

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EntryTable({len(self.entries)} entries)"


def pack_ids(ids: bytes) -> str:
    """Ids' bytes end to end, as the base64 text `ClosedEntries.by_day` keeps."""
    return b64encode(ids).decode("ascii")


def unpack_ids(text: str) -> bytes:
    """The bytes of `pack_ids` text; refuses anything that is not whole packed ids."""
    ids = b64decode(text, validate=True)
    if len(ids) % ClosedEntries.ID_BYTES:
        raise ValueError(f"packed ids of {len(ids)} bytes: not whole ids")
    return ids


def _ids(text: str) -> Iterator[str]:
    ids = unpack_ids(text)
    for at in range(0, len(ids), ClosedEntries.ID_BYTES):
        yield str(UUID(bytes=ids[at:at + ClosedEntries.ID_BYTES]))


def close_entries(
    entries: dict[str, EntryRecord], closed: ClosedEntries | None, shareout_on: date
) -> None:
    """Move the entries dated on or before a share-out out of the open cycle's records.

    A share-out closes its cycle: its entries can no longer be reversed (`reversal.py`),
    so the group keeps only their dates, and its state holds one cycle's records instead
    of its whole history's. A group restored from a snapshot has no closed entries in
    memory (`closed` None, see `Group.Snapshot`): these join them in the log alone.
    """
    moved = [(event_id, record.on, record.reversed_by)
             for event_id, record in entries.items() if record.on <= shareout_on]
    for event_id, _, _ in moved:
        del entries[event_id]
    if closed is not None:
        closed.add(moved)


def close_shares_by_day(cycle: Cycle) -> None:
    """A shared-out cycle keeps each member's shares; its shares per member and day only
    limited purchases in it, so they go."""
    cycle.shares_by_day.clear()


def close_loans(loans: dict[str, Loan], closed: dict[str, str], cycle_number: int) -> None:
    """Move the loans of a shared-out cycle out of the group's loans, keeping their status.

    Every one of them is settled, repaid, written off or reversed by then: none can be
    repaid or reversed again, and a new loan may not take its id; the status is kept so
    that a repayment naming one is refused as before (`loan_not_open`, or `loan_not_found`
    for a reversed one).
    """
    for loan_id in [x for x, loan in loans.items() if loan.cycle_number <= cycle_number]:
        closed[loan_id] = loans.pop(loan_id).status


@dataclass
class EntryRecord:
    """What a reversible money event moved: enough to post it, and to post its opposite."""

    kind: str
    on: date
    amount: Money
    member_id: str | None = None
    loan_id: str | None = None
    shares: int = 0
    charge: Money | None = None
    principal: Money | None = None
    transfer_id: str | None = None
    hazard_id: str | None = None
    period: str | None = None
    cycle_number: int | None = None
    reversed_by: str | None = None


@dataclass
class SharePayout:
    """One member's line of a share-out."""

    member_id: str
    shares: int
    gross: Money
    loan_deducted: Money
    net: Money


@dataclass
class ExitSettlement:
    """What a member takes when leaving mid-cycle."""

    member_id: str
    shares: int
    savings: Money
    loan_deducted: Money
    net: Money


def add_months(start: date, months: int) -> date:
    """Calendar months later; the day is clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def flat_service_charge(principal: Money, rate_monthly: Decimal, term_months: int) -> Money:
    """charge = principal × monthly rate × term, half-up to the minor unit."""
    return principal.times(rate_monthly * term_months, rounding=ROUND_HALF_UP)


SNAPSHOT_TYPES: tuple[type, ...] = (Member, Cycle, Loan, EntryRecord, SharePayout, ExitSettlement)
