"""Members of a group: joining, listing, and leaving with a settlement."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.auth import group_not_found
from api.deps import BookReader, GuardedRoute, Page, Recorder, Rt
from api.pagination import after_text, next_cursor
from api.schemas.common import READ_PROBLEMS, WRITE_PROBLEMS
from api.schemas.common import Page as PageOf
from api.schemas.groups import (
    MemberCreated,
    MemberExited,
    MemberIn,
    MemberOut,
    OnIn,
    Settlement,
)
from domain import group_events as ev
from projections import queries

router = APIRouter(route_class=GuardedRoute, prefix="/groups/{group_id}/members", tags=["members"])


@router.post("", status_code=201, response_model=MemberCreated, responses=WRITE_PROBLEMS,
             summary="A member joins the group")
def join_member(group_id: UUID, body: MemberIn, command: Recorder) -> JSONResponse:
    def shape(event: ev.MemberJoined) -> MemberCreated:
        return MemberCreated(id=UUID(event.member_id), group_id=group_id, name=event.name,
                             gender=event.gender, joined_on=event.on)

    return command.execute(lambda meta: command.runtime.app.join_member(
        group_id, name=body.name, gender=body.gender, joined_on=body.joined_on, meta=meta),
        shape)


@router.get("", response_model=PageOf[MemberOut], responses=READ_PROBLEMS,
            summary="The group's members, active and exited (paginated)")
def list_members(group_id: UUID, caller: BookReader, rt: Rt, page: Page) -> PageOf[MemberOut]:
    with rt.read() as cursor:
        records = queries.members_of_group(cursor, str(group_id))
    if records is None:
        raise group_not_found(str(group_id))
    after = after_text(page)
    members = [MemberOut.model_validate({**r, "id": r["member_id"]}) for r in records]
    if after is not None:
        keys = [str(m.id) for m in members]
        members = members[keys.index(after) + 1:] if after in keys else []
    members = members[:page.limit]
    return PageOf[MemberOut](items=members,
                             next=next_cursor([str(m.id) for m in members], page.limit))


@router.post("/{member_id}/exit", response_model=MemberExited, responses=WRITE_PROBLEMS,
             summary="A member leaves mid-cycle with their savings less any loan")
def exit_member(group_id: UUID, member_id: UUID, body: OnIn, command: Recorder) -> JSONResponse:
    def shape(event: ev.MemberExited) -> MemberExited:
        settlement = event.settlement
        return MemberExited(id=event.event_id, settlement=Settlement(
            member_id=UUID(settlement.member_id), shares=settlement.shares,
            savings=str(settlement.savings.amount),
            loan_deducted=str(settlement.loan_deducted.amount), net=str(settlement.net.amount)))

    return command.execute(lambda meta: command.runtime.app.exit_member(
        group_id, str(member_id), on=body.on, meta=meta), shape, status_code=200)
