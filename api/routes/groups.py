"""Groups: registering one under a union, listing a union's groups, reading one group."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.auth import group_not_found, union_not_found
from api.deps import AnyReader, GuardedRoute, Page, Recorder, Rt
from api.pagination import after_text, next_cursor
from api.schemas.common import READ_PROBLEMS, WRITE_PROBLEMS
from api.schemas.common import Page as PageOf
from api.schemas.groups import Balances, GroupCreated, GroupIn, GroupOut
from api.tabular import CSV_RESPONSE, report, rows_of
from domain.group import Group
from projections import queries

router = APIRouter(route_class=GuardedRoute, tags=["groups"])

GROUP_COLUMNS = ("id", "name", "enterprise", "locality", "affiliated_on", "currency",
                 "members_count", "women_count", "cycle.number",
                 *(f"balances.{name}" for name in Balances.model_fields))


@router.post("/unions/{union_id}/groups", status_code=201, response_model=GroupCreated,
             responses=WRITE_PROBLEMS, summary="Register a group under the union")
def register_group(union_id: UUID, body: GroupIn, command: Recorder) -> JSONResponse:
    def shape(group: Group) -> GroupCreated:
        return GroupCreated(id=group.id, union_id=group.union_id, name=group.name,
                            enterprise=group.enterprise, locality=group.locality,
                            affiliated_on=group.affiliated_on, currency=group.currency)

    return command.execute(lambda meta: command.runtime.app.register_group(
        union_id, name=body.name, enterprise=body.enterprise, locality=body.locality,
        affiliated_on=body.affiliated_on, meta=meta), shape)


@router.get("/unions/{union_id}/groups", response_model=PageOf[GroupOut],
            responses={**READ_PROBLEMS, **CSV_RESPONSE},
            summary="The union's groups with their balances (paginated; CSV)")
def list_groups(
    union_id: UUID, request: Request, caller: AnyReader, rt: Rt, page: Page
) -> Response:
    with rt.read() as cursor:
        if queries.union(cursor, str(union_id)) is None:
            raise union_not_found(str(union_id))
        records = queries.groups_of_union(cursor, str(union_id), page.limit, after_text(page))
    groups = [GroupOut.of(record) for record in records]
    following = next_cursor([str(group.id) for group in groups], page.limit)
    body = PageOf[GroupOut](items=groups, next=following)
    return report(request, body, lambda: (GROUP_COLUMNS, rows_of(groups, GROUP_COLUMNS)),
                  next_cursor=following)


@router.get("/groups/{group_id}", response_model=GroupOut, responses=READ_PROBLEMS,
            summary="A group: members count, current cycle and balances")
def get_group(group_id: UUID, caller: AnyReader, rt: Rt) -> GroupOut:
    with rt.read() as cursor:
        record = queries.group(cursor, str(group_id))
    if record is None:
        raise group_not_found(str(group_id))
    return GroupOut.of(record)
