"""The audit trail: the global event log in order, and one aggregate's history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.audit_log import aggregate_history, read_log, union_filter
from api.auth import aggregate_not_found
from api.deps import AuditReader, GuardedRoute, Page, Rt
from api.pagination import POSITION_MAX, after_number, encode_cursor, next_cursor
from api.schemas.audit import AggregateStateOut, AuditEvent, BrokenLink, VerifyOut
from api.schemas.common import READ_PROBLEMS
from api.schemas.common import Page as PageOf
from domain.errors import InvalidDate
from union_ledger.audit import end_of_day, state_at, verify

router = APIRouter(route_class=GuardedRoute, prefix="/audit", tags=["audit"],
                   responses=READ_PROBLEMS)

After = Annotated[int | None, Query(
    ge=0, le=POSITION_MAX,
    description="Log position to read after (or use the opaque ?cursor= of the previous page).")]


@router.get("/events", response_model=PageOf[AuditEvent],
            summary="The global event log in order (a non-admin key sees its union's)")
def events(caller: AuditReader, rt: Rt, page: Page, after: After = None) -> PageOf[AuditEvent]:
    start = after if after is not None else (after_number(page) or 0)
    visible = union_filter(rt.app, caller.principal.union_id)
    found = read_log(rt.app, start, page.limit, visible, rt.settings.audit_scan_events_max)
    following = None if found.at_end else encode_cursor(found.last_scanned)
    return PageOf[AuditEvent](items=found.events, next=following)


@router.get("/aggregates/{aggregate_id}/events", response_model=PageOf[AuditEvent],
            summary="One aggregate's history, by version")
def aggregate_events(
    aggregate_id: UUID, caller: AuditReader, rt: Rt, page: Page
) -> PageOf[AuditEvent]:
    history = aggregate_history(rt.app, aggregate_id, after_number(page) or 0, page.limit)
    if not history and page.after is None:
        raise aggregate_not_found(str(aggregate_id))
    return PageOf[AuditEvent](items=history,
                              next=next_cursor([e.version for e in history], page.limit))


@router.get("/verify", response_model=VerifyOut,
            summary="Recompute every hash chain (a non-admin key: its union's)")
def verify_chains(caller: AuditReader, rt: Rt) -> VerifyOut:
    report = verify(rt.app, visible=union_filter(rt.app, caller.principal.union_id))
    broken = report.first_broken
    return VerifyOut(
        ok=report.ok, events_checked=report.events_checked,
        first_broken=None if broken is None else BrokenLink(
            aggregate_id=broken.aggregate_id, version=broken.version, reason=broken.reason),
    )


@router.get("/aggregates/{aggregate_id}/state", response_model=AggregateStateOut,
            summary="An aggregate as it was at a version, or as recorded at a date or time")
def aggregate_state(
    aggregate_id: UUID, caller: AuditReader, rt: Rt,
    version: Annotated[int | None, Query(ge=1, description="Replay up to this version")] = None,
    as_of: Annotated[str | None, Query(
        description="A date (as recorded by the end of that UTC day) or an RFC 3339 time",
        examples=["2026-10-26", "2026-10-26T09:30:00Z"])] = None,
) -> AggregateStateOut:
    moment = None if as_of is None else _moment(as_of)
    found = state_at(rt.app, aggregate_id, version=version, moment=moment)
    if found is None:
        raise aggregate_not_found(str(aggregate_id))
    return AggregateStateOut(
        aggregate_id=found.aggregate_id, aggregate_type=found.aggregate_type,
        version=found.version, chain_hash=found.chain_hash, state=found.state)


def _moment(text: str) -> datetime:
    try:
        if len(text) == 10:
            return end_of_day(date.fromisoformat(text))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidDate(f"as_of {text!r} is neither a date nor an RFC 3339 time") from None
    if moment.tzinfo is None:
        raise InvalidDate(f"as_of {text!r} needs a time zone, e.g. {text}Z")
    return moment
