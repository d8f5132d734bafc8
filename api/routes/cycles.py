"""Savings cycles of a group: starting one with its rules, and sharing the current one out."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import GuardedRoute, Recorder
from api.schemas.common import WRITE_PROBLEMS
from api.schemas.groups import CycleIn, CycleStarted, OnIn, SharedOut, SharePayoutOut
from domain import group_events as ev
from union_ledger.group_cases import CycleRules

router = APIRouter(route_class=GuardedRoute, prefix="/groups/{group_id}/cycles", tags=["cycles"])


@router.post("", status_code=201, response_model=CycleStarted, responses=WRITE_PROBLEMS,
             summary="Start a savings cycle with its fixed rules")
def start_cycle(group_id: UUID, body: CycleIn, command: Recorder) -> JSONResponse:
    rules = CycleRules(
        share_value=body.share_value, min_shares=body.min_shares, max_shares=body.max_shares,
        social_fund_contribution=body.social_fund_contribution,
        service_charge_rate_monthly=body.service_charge_rate_monthly,
        max_loan_multiple=body.max_loan_multiple, max_term_months=body.max_term_months,
        max_open_loans_per_member=body.max_open_loans_per_member,
    )

    def shape(event: ev.CycleStarted) -> CycleStarted:
        return CycleStarted(
            id=event.event_id, number=event.number, started_on=event.on,
            share_value=str(event.share_value.amount), min_shares=event.min_shares,
            max_shares=event.max_shares,
            social_fund_contribution=str(event.social_fund_contribution.amount),
            service_charge_rate_monthly=_plain(event.service_charge_rate_monthly),
            max_loan_multiple=_plain(event.max_loan_multiple),
            max_term_months=event.max_term_months,
            max_open_loans_per_member=event.max_open_loans_per_member,
        )

    return command.execute(lambda meta: command.runtime.app.start_cycle(
        group_id, rules, started_on=body.started_on, meta=meta), shape)


@router.post("/current/share-out", response_model=SharedOut, responses=WRITE_PROBLEMS,
             summary="Share the current cycle out and close it")
def share_out(group_id: UUID, body: OnIn, command: Recorder) -> JSONResponse:
    def shape(event: ev.CycleSharedOut) -> SharedOut:
        return SharedOut(
            id=event.event_id, cycle_number=event.cycle_number,
            value_per_share=_plain(event.value_per_share), pool=str(event.pool.amount),
            carried_forward=str(event.carried_forward.amount),
            payouts=[SharePayoutOut(
                member_id=UUID(p.member_id), shares=p.shares, gross=str(p.gross.amount),
                loan_deducted=str(p.loan_deducted.amount), net=str(p.net.amount))
                for p in event.payouts],
        )

    return command.execute(lambda meta: command.runtime.app.share_out(
        group_id, on=body.on, meta=meta), shape, status_code=200)


def _plain(value: Decimal) -> str:
    return format(value, "f")
