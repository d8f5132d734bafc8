"""The audit trail: the global event log in order, and one aggregate's history."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.audit_log import aggregate_history, read_log, union_filter
from api.auth import aggregate_not_found
from api.deps import AuditReader, Page, Rt
from api.pagination import POSITION_MAX, after_number, encode_cursor, next_cursor
from api.schemas.audit import AuditEvent
from api.schemas.common import READ_PROBLEMS
from api.schemas.common import Page as PageOf

router = APIRouter(prefix="/audit", tags=["audit"], responses=READ_PROBLEMS)

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
