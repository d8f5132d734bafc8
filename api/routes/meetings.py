"""Meeting sheets (all entries or none) and reversals of group and union entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import GuardedRoute, Recorder
from api.pagination import invalid_parameter
from api.schemas.common import WRITE_PROBLEMS
from api.schemas.money import (
    MeetingEntryIn,
    MeetingIn,
    MeetingRecordedOut,
    ReversalIn,
    ReversalOut,
)
from domain import group_events as ev
from domain.ledger import LedgerAggregate
from domain.money import Money
from union_ledger.group_cases import MeetingEntry, MeetingRecorded

router = APIRouter(route_class=GuardedRoute, tags=["money"], responses=WRITE_PROBLEMS)


# The request's id fields the application takes as the domain's text.
_TEXT_IDS = frozenset({"member_id", "loan_id"})


def meeting_entry(entry: MeetingEntryIn) -> MeetingEntry:
    """The application's meeting line for one request entry (ids as the domain's text).

    Each entry model's fields are named as the line's (`tests/api/test_meeting_entries.py`
    checks every model), and a request entry has no others (unknown fields are refused).
    """
    values: dict[str, Any] = {name: str(value) if name in _TEXT_IDS else value
                              for name, value in entry.__dict__.items()}
    return MeetingEntry(**values)


class MeetingAnswer:
    """A meeting sheet's answer as `MeetingRecordedOut(...).model_dump(mode="json")` gives
    it (without `position`), built straight from the booked events.

    Through the models, each of a sheet's 75 results was validated field by field and then
    dumped again: 540-830 µs a sheet, against 255-290 µs built here (docs/PERFORMANCE.md).
    `tests/api/test_meeting_answer.py` holds the two equal, key order included, for every
    kind of entry.
    """

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}  # a sheet names its few members again and again

    def body(self, recorded: MeetingRecorded, kinds: Sequence[str]) -> dict[str, Any]:
        meeting = recorded.meeting
        return {"id": str(meeting.event_id), "meeting_id": self._id(meeting.meeting_id),
                "held_on": meeting.on.isoformat(),
                "results": [self.result(index, kinds[index], event)
                            for index, event in enumerate(recorded.results)]}

    def result(self, index: int, kind: str, event: ev.MoneyEvent) -> dict[str, Any]:
        """One entry's result, its fields in `MeetingResult`'s order."""
        result = {
            "index": index, "type": kind, "id": str(event.event_id),
            "member_id": self._id(getattr(event, "member_id", None)),
            "loan_id": self._id(getattr(event, "loan_id", None)),
            "shares": getattr(event, "shares", None),
            "amount": _text(event, "amount") or _text(event, "principal"),
            "service_charge": None, "amount_due": None, "due_on": None,
            "charge_paid": _text(event, "charge_paid"),
            "principal_paid": _text(event, "principal_paid"),
        }
        if isinstance(event, ev.LoanDisbursed):
            result["service_charge"] = str(event.service_charge.amount)
            result["amount_due"] = str((event.principal + event.service_charge).amount)
            result["due_on"] = event.due_on.isoformat()
        return result

    def _id(self, value: str | None) -> str | None:
        """An id as the model answers it: a UUID's canonical text; None when empty."""
        if not value:
            return None
        text = self._ids.get(value)
        if text is None:
            text = self._ids[value] = str(UUID(value))
        return text


def _text(event: ev.MoneyEvent, name: str) -> str | None:
    value = getattr(event, name, None)
    return str(value.amount) if isinstance(value, Money) else None


@router.post("/groups/{group_id}/meetings", status_code=201,
             response_model=MeetingRecordedOut,
             summary="Record a whole meeting sheet: every entry, or none")
def record_meeting(group_id: UUID, body: MeetingIn, command: Recorder) -> JSONResponse:
    entries_max = command.runtime.settings.meeting_entries_max
    if len(body.entries) > entries_max:
        raise invalid_parameter("entries", f"a meeting carries at most {entries_max} entries")
    kinds = [entry.type for entry in body.entries]

    def shape(recorded: MeetingRecorded) -> dict[str, Any]:
        return MeetingAnswer().body(recorded, kinds)

    return command.execute(lambda meta: command.runtime.app.record_meeting(
        group_id, held_on=body.held_on, attendance=[str(m) for m in body.attendance],
        entries=[meeting_entry(entry) for entry in body.entries], meta=meta), shape)


def reversal_answer(events: list[LedgerAggregate.Event]) -> ReversalOut:
    first = events[0]
    reversed_id = getattr(first, "reversed_event_id", None)
    return ReversalOut(
        id=first.event_id, reversed_event_id=UUID(str(reversed_id)),
        other_side_id=events[1].event_id if len(events) > 1 else None,
    )


@router.post("/groups/{group_id}/reversals", status_code=201, response_model=ReversalOut,
             summary="Reverse a group entry (a transfer on both sides)")
def reverse_group_entry(group_id: UUID, body: ReversalIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.reverse_group_entry(
        group_id, body.event_id, body.reason, on=body.on, meta=meta), reversal_answer)


@router.post("/unions/{union_id}/reversals", status_code=201, response_model=ReversalOut,
             summary="Reverse a union entry (a transfer on both sides)")
def reverse_union_entry(union_id: UUID, body: ReversalIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.reverse_union_entry(
        union_id, body.event_id, body.reason, on=body.on, meta=meta), reversal_answer)
