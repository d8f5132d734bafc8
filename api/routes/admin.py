"""Administration: unions, their relief policy and subscription schedule, and API keys."""

from __future__ import annotations

import secrets
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.auth import union_not_found
from api.deps import AdminReader, AdminWriter, AnyReader, GuardedRoute, Page, Rt
from api.pagination import after_text, next_cursor
from api.schemas.admin import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    ApiKeyRevoked,
    PolicyIn,
    PolicyOut,
    PolicySet,
    RevokeIn,
    ScheduleChanged,
    ScheduleChangeIn,
    ScheduleIn,
    UnionCreated,
    UnionIn,
    UnionOut,
)
from api.schemas.common import READ_PROBLEMS, WRITE_PROBLEMS
from api.schemas.common import Page as PageOf
from domain.api_keys import ApiKey, ApiKeyNotFound, secret_hash
from domain.ledger import LedgerAggregate
from domain.union import Union
from projections import queries
from union_ledger.union_cases import PolicyInput, ScheduleInput

SECRET_PREFIX = "ul_"
SECRET_BYTES = 32

router = APIRouter(route_class=GuardedRoute, tags=["administration"])


def policy_input(body: PolicyIn) -> PolicyInput:
    return PolicyInput(
        sar_multiplier=body.sar_multiplier, sye_multiplier=body.sye_multiplier,
        cap_per_hazard=body.cap_per_hazard, waiting_period_days=body.waiting_period_days,
        require_paid_subscriptions=body.require_paid_subscriptions,
        effective_on=body.effective_on,
    )


def schedule_input(body: ScheduleIn) -> ScheduleInput:
    return ScheduleInput(frequency=body.frequency, amount=body.amount,
                         grace_days=body.grace_days)


@router.post("/unions", status_code=201, response_model=UnionCreated, responses=WRITE_PROBLEMS,
             summary="Register a union (admin)")
def register_union(body: UnionIn, command: AdminWriter) -> JSONResponse:
    def shape(union: Union) -> UnionCreated:
        return UnionCreated(id=union.id, code=union.code, name=union.name,
                            currency=union.currency)

    return command.execute(lambda meta: command.runtime.app.register_union(
        code=body.code, name=body.name, currency=body.currency,
        schedule=schedule_input(body.subscription_schedule),
        policy=policy_input(body.relief_policy) if body.relief_policy else None, meta=meta,
    ), shape)


@router.get("/unions", response_model=PageOf[UnionOut], responses=READ_PROBLEMS,
            summary="Every union, by code (admin; paginated)")
def list_unions(caller: AdminReader, rt: Rt, page: Page) -> PageOf[UnionOut]:
    with rt.read() as cursor:
        records = queries.unions_page(cursor, page.limit, after_text(page))
    unions = [union_out(record) for record in records]
    return PageOf[UnionOut](items=unions,
                            next=next_cursor([str(u.id) for u in unions], page.limit))


def union_out(record: dict[str, Any]) -> UnionOut:
    return UnionOut.model_validate({**record, "relief_policy": PolicyOut.of(
        record["relief_policy"])})


@router.get("/unions/{union_id}", response_model=UnionOut, responses=READ_PROBLEMS,
            summary="A union's totals and relief policy")
def get_union(union_id: UUID, caller: AnyReader, rt: Rt) -> UnionOut:
    with rt.read() as cursor:
        record = queries.union(cursor, str(union_id))
    if record is None:
        raise union_not_found(str(union_id))
    return union_out(record)


@router.put("/unions/{union_id}/relief-policy", response_model=PolicySet,
            responses=WRITE_PROBLEMS, summary="Publish a relief policy (admin)")
def set_relief_policy(union_id: UUID, body: PolicyIn, command: AdminWriter) -> JSONResponse:
    def shape(event: LedgerAggregate.Event) -> PolicySet:
        policy = getattr(event, "policy", None)
        return PolicySet(id=event.event_id, relief_policy=PolicyOut.of(policy))

    return command.execute(lambda meta: command.runtime.app.set_relief_policy(
        union_id, policy_input(body), meta=meta), shape, status_code=200)


@router.put("/unions/{union_id}/subscription-schedule", response_model=ScheduleChanged,
            responses=WRITE_PROBLEMS, summary="Change the subscription schedule (admin)")
def change_schedule(union_id: UUID, body: ScheduleChangeIn, command: AdminWriter) -> JSONResponse:
    def shape(event: LedgerAggregate.Event) -> ScheduleChanged:
        return ScheduleChanged(id=event.event_id, frequency=body.frequency, amount=body.amount,
                               grace_days=body.grace_days, effective_on=body.effective_on)

    return command.execute(lambda meta: command.runtime.app.change_subscription_schedule(
        union_id, schedule_input(body), effective_on=body.effective_on, meta=meta),
        shape, status_code=200)


@router.post("/api-keys", status_code=201, response_model=ApiKeyCreated,
             responses=WRITE_PROBLEMS, summary="Issue an API key (admin)")
def issue_api_key(body: ApiKeyIn, command: AdminWriter) -> JSONResponse:
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)

    def shape(key: ApiKey) -> ApiKeyCreated:
        return ApiKeyCreated(id=key.id, secret=secret, role=body.role, union_id=key.union_id,
                             label=key.label)

    return command.execute(lambda meta: command.runtime.app.issue_api_key(
        role=body.role, union_id=body.union_id, label=body.label,
        secret_hash=secret_hash(secret), meta=meta), shape, private=("secret",))


@router.get("/api-keys/{key_id}", response_model=ApiKeyOut, responses=READ_PROBLEMS,
            summary="An API key's role, union and status (admin)")
def get_api_key(key_id: UUID, caller: AdminReader, rt: Rt) -> ApiKeyOut:
    key = rt.app.find(key_id, ApiKey)
    if key is None:
        raise ApiKeyNotFound(f"apikey {key_id} not found", id=str(key_id))
    return ApiKeyOut(id=key.id, role=key.role, union_id=key.union_id, label=key.label,
                     issued_on=key.issued_on, revoked_on=key.revoked_on)


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyRevoked,
             responses=WRITE_PROBLEMS, summary="Revoke an API key (admin)")
def revoke_api_key(key_id: UUID, body: RevokeIn, command: AdminWriter) -> JSONResponse:
    def shape(key: ApiKey) -> ApiKeyRevoked:
        return ApiKeyRevoked(id=key.id, revoked_on=key.revoked_on or command.runtime.app.today())

    return command.execute(lambda meta: command.runtime.app.revoke_api_key(
        key_id, reason=body.reason, meta=meta), shape, status_code=200)
