"""Group ↔ union transfers, the relief fund, hazards, entitlements and relief payouts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.auth import require_group_in_union, union_not_found
from api.deps import AnyReader, GuardedRoute, Page, Recorder, ReliefWriter, Rt
from api.pagination import after_text, next_cursor
from api.schemas.admin import PolicyOut
from api.schemas.common import READ_PROBLEMS, WRITE_PROBLEMS
from api.schemas.common import Page as PageOf
from api.schemas.transfers import (
    AmountOnIn,
    DonorGrantIn,
    EntitlementOut,
    Entitlements,
    HazardDeclaredOut,
    HazardIn,
    HazardOut,
    PayoutIn,
    SubscriptionIn,
    TransferOut,
    UnionEntryOut,
)
from api.tabular import CSV_RESPONSE, report, rows_of
from domain import errors
from domain.ledger import LedgerAggregate
from domain.money import Money
from projections import queries
from union_ledger.union_cases import Transfer

router = APIRouter(route_class=GuardedRoute, tags=["transfers"])

ENTITLEMENT_COLUMNS = ("group_id", "eligible", "reasons", "sar_standing", "sye_balance", "base",
                       "cap", "paid", "entitlement")


def transfer_answer(asked_by: str) -> Callable[[Transfer], TransferOut]:
    """The answer to a transfer; `id` is the event in the book that asked for it."""

    def shape(transfer: Transfer) -> TransferOut:
        group_event, union_event = transfer.group_event, transfer.union_event
        amount = getattr(union_event, "amount", None)
        return TransferOut(
            id=group_event.event_id if asked_by == "group" else union_event.event_id,
            group_event_id=group_event.event_id, union_event_id=union_event.event_id,
            transfer_id=transfer.transfer_id, group_id=group_event.originator_id,
            amount=str(amount.amount) if isinstance(amount, Money) else "0",
        )

    return shape


def union_entry(event: LedgerAggregate.Event) -> UnionEntryOut:
    amount = getattr(event, "amount", None)
    return UnionEntryOut(id=event.event_id,
                         amount=str(amount.amount) if isinstance(amount, Money) else "0")


@router.post("/groups/{group_id}/subscriptions", status_code=201, response_model=TransferOut,
             responses=WRITE_PROBLEMS, summary="The group pays a subscription period")
def pay_subscription(group_id: UUID, body: SubscriptionIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.pay_subscription(
        group_id, body.period, body.amount, on=body.on, meta=meta), transfer_answer("group"))


@router.post("/groups/{group_id}/sar-contributions", status_code=201,
             response_model=TransferOut, responses=WRITE_PROBLEMS,
             summary="The group contributes to the union's relief fund (SAR)")
def contribute_sar(group_id: UUID, body: AmountOnIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.contribute_sar(
        group_id, body.amount, on=body.on, meta=meta), transfer_answer("group"))


@router.post("/groups/{group_id}/sye-deposits", status_code=201, response_model=TransferOut,
             responses=WRITE_PROBLEMS, summary="The group deposits SYE savings with the union")
def deposit_sye(group_id: UUID, body: AmountOnIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.deposit_sye(
        group_id, body.amount, on=body.on, meta=meta), transfer_answer("group"))


@router.post("/groups/{group_id}/sye-withdrawals", status_code=201, response_model=TransferOut,
             responses=WRITE_PROBLEMS,
             summary="SYE savings come back into the group's loan-fund cash")
def withdraw_sye(group_id: UUID, body: AmountOnIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.withdraw_sye(
        group_id, body.amount, on=body.on, meta=meta), transfer_answer("group"))


@router.post("/unions/{union_id}/relief-fund/grants", status_code=201,
             response_model=UnionEntryOut, responses=WRITE_PROBLEMS,
             summary="A donor's grant to the relief fund")
def receive_relief_fund_grant(
    union_id: UUID, body: DonorGrantIn, command: Recorder
) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.receive_relief_fund_grant(
        union_id, body.donor, body.amount, on=body.on, meta=meta), union_entry)


@router.post("/unions/{union_id}/relief-fund/allocations", status_code=201,
             response_model=UnionEntryOut, responses=WRITE_PROBLEMS,
             summary="Union income set aside for relief")
def allocate_to_relief_fund(union_id: UUID, body: AmountOnIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.allocate_income_to_relief_fund(
        union_id, body.amount, on=body.on, meta=meta), union_entry)


@router.post("/unions/{union_id}/hazards", status_code=201, response_model=HazardDeclaredOut,
             responses=WRITE_PROBLEMS, summary="Declare a hazard affecting some groups")
def declare_hazard(union_id: UUID, body: HazardIn, command: ReliefWriter) -> JSONResponse:
    def shape(event: LedgerAggregate.Event) -> HazardDeclaredOut:
        return HazardDeclaredOut(id=UUID(str(getattr(event, "hazard_id", ""))),
                                 event_id=event.event_id)

    return command.execute(lambda meta: command.runtime.app.declare_hazard(
        union_id, kind=body.kind, description=body.description, declared_on=body.declared_on,
        affected_group_ids=body.affected_group_ids, meta=meta), shape)


@router.get("/unions/{union_id}/hazards", response_model=PageOf[HazardOut],
            responses=READ_PROBLEMS, summary="The union's declared hazards (paginated)")
def list_hazards(union_id: UUID, caller: AnyReader, rt: Rt, page: Page) -> PageOf[HazardOut]:
    with rt.read() as cursor:
        if queries.union(cursor, str(union_id)) is None:
            raise union_not_found(str(union_id))
        records = queries.hazards_of_union(cursor, str(union_id), page.limit, after_text(page))
    hazards = [HazardOut.model_validate(record) for record in records]
    return PageOf[HazardOut](items=hazards,
                             next=next_cursor([str(h.id) for h in hazards], page.limit))


def _hazard(rt: Rt, union_id: UUID, hazard_id: UUID) -> dict[str, Any]:
    with rt.read() as cursor:
        found = queries.hazard(cursor, str(hazard_id))
    if found is None or found["union_id"] != str(union_id):
        raise _hazard_not_found(hazard_id)
    return found


def _hazard_not_found(hazard_id: UUID) -> errors.HazardNotFound:
    return errors.HazardNotFound(f"hazard {hazard_id} not found", hazard_id=str(hazard_id))


@router.get("/unions/{union_id}/hazards/{hazard_id}", response_model=HazardOut,
            responses=READ_PROBLEMS, summary="One hazard and the groups it affects")
def get_hazard(union_id: UUID, hazard_id: UUID, caller: AnyReader, rt: Rt) -> HazardOut:
    return HazardOut.model_validate(_hazard(rt, union_id, hazard_id))


@router.get("/unions/{union_id}/hazards/{hazard_id}/entitlements",
            response_model=list[EntitlementOut], responses={**READ_PROBLEMS, **CSV_RESPONSE},
            summary="Each affected group's relief entitlement with every term (CSV)")
def get_entitlements(
    union_id: UUID, hazard_id: UUID, request: Request, caller: AnyReader, rt: Rt
) -> Response:
    with rt.read() as cursor:  # the hazard and its lines in one snapshot, one round trip
        found = queries.entitlements(cursor, str(hazard_id))
    if found is None or found.union_id != str(union_id):
        raise _hazard_not_found(hazard_id)
    records = found.lines
    policies: dict[int, PolicyOut] = {}  # by the identity of the record's (shared) policy

    def policy_of(policy: Any) -> PolicyOut:
        found = policies.get(id(policy))
        if found is None:
            found = policies[id(policy)] = PolicyOut.of(policy)
        return found

    lines = [EntitlementOut.model_validate({**r, "policy": policy_of(r["policy"])})
             for r in records]
    return report(request, Entitlements(root=lines),
                  lambda: (ENTITLEMENT_COLUMNS, rows_of(lines, ENTITLEMENT_COLUMNS)))


@router.post("/unions/{union_id}/hazards/{hazard_id}/payouts", status_code=201,
             response_model=TransferOut, responses=WRITE_PROBLEMS,
             summary="Pay a group relief for a hazard (within entitlement and fund)")
def pay_relief(
    union_id: UUID, hazard_id: UUID, body: PayoutIn, command: ReliefWriter
) -> JSONResponse:
    app = command.runtime.app
    require_group_in_union(app, body.group_id, union_id)
    return command.execute(lambda meta: app.pay_relief(
        union_id, hazard_id, body.group_id, body.amount, on=body.on, meta=meta),
        transfer_answer("union"))
