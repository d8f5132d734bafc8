"""Meeting sheets (all entries or none) and reversals of group and union entries."""

from __future__ import annotations

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
    MeetingResult,
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


def meeting_result(index: int, kind: str, event: ev.MoneyEvent) -> MeetingResult:
    def text(name: str) -> str | None:
        value = getattr(event, name, None)
        return str(value.amount) if isinstance(value, Money) else None

    member = getattr(event, "member_id", None)
    loan = getattr(event, "loan_id", None)
    result = MeetingResult(
        index=index, type=kind, id=event.event_id, member_id=UUID(member) if member else None,
        loan_id=UUID(loan) if loan else None, shares=getattr(event, "shares", None),
        amount=text("amount") or text("principal"), charge_paid=text("charge_paid"),
        principal_paid=text("principal_paid"),
    )
    if isinstance(event, ev.LoanDisbursed):
        result.service_charge = str(event.service_charge.amount)
        result.amount_due = str((event.principal + event.service_charge).amount)
        result.due_on = event.due_on
    return result


@router.post("/groups/{group_id}/meetings", status_code=201,
             response_model=MeetingRecordedOut,
             summary="Record a whole meeting sheet: every entry, or none")
def record_meeting(group_id: UUID, body: MeetingIn, command: Recorder) -> JSONResponse:
    entries_max = command.runtime.settings.meeting_entries_max
    if len(body.entries) > entries_max:
        raise invalid_parameter("entries", f"a meeting carries at most {entries_max} entries")
    kinds = [entry.type for entry in body.entries]

    def shape(recorded: MeetingRecorded) -> MeetingRecordedOut:
        meeting = recorded.meeting
        return MeetingRecordedOut(
            id=meeting.event_id, meeting_id=UUID(meeting.meeting_id), held_on=meeting.on,
            results=[meeting_result(i, kinds[i], event)
                     for i, event in enumerate(recorded.results)])

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
