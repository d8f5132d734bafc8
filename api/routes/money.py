"""Money in a group: shares, social fund, loans and repayments, fines, earnings, cash counts."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import GuardedRoute, Recorder
from api.schemas.common import WRITE_PROBLEMS
from api.schemas.money import (
    CashCountIn,
    CashCountOut,
    ContributionIn,
    EarningsIn,
    EntryRecorded,
    FineIn,
    GrantIn,
    LoanDisbursedOut,
    LoanIn,
    RepaymentIn,
    RepaymentOut,
    SharePurchaseIn,
    WriteOffIn,
    WriteOffOut,
)
from domain import group_events as ev
from domain.money import Money

router = APIRouter(route_class=GuardedRoute, prefix="/groups/{group_id}", tags=["money"],
                   responses=WRITE_PROBLEMS)


def entry(event: ev.MoneyEvent) -> EntryRecorded:
    """The answer to a simple money entry: its event id, member, amount (and shares)."""
    member = getattr(event, "member_id", None)
    amount = getattr(event, "amount", None)
    return EntryRecorded(
        id=event.event_id, member_id=UUID(member) if member else None,
        amount=str(amount.amount) if isinstance(amount, Money) else "0",
        shares=getattr(event, "shares", None),
    )


def loan_answer(event: ev.LoanDisbursed) -> LoanDisbursedOut:
    return LoanDisbursedOut(
        id=event.event_id, loan_id=UUID(event.loan_id), member_id=UUID(event.member_id),
        principal=str(event.principal.amount), service_charge=str(event.service_charge.amount),
        amount_due=str((event.principal + event.service_charge).amount),
        term_months=event.term_months, due_on=event.due_on,
    )


@router.post("/share-purchases", status_code=201, response_model=EntryRecorded,
             summary="A member buys shares")
def buy_shares(group_id: UUID, body: SharePurchaseIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.buy_shares(
        group_id, str(body.member_id), body.shares, on=body.on, meta=meta), entry)


@router.post("/social-fund/contributions", status_code=201, response_model=EntryRecorded,
             summary="A member pays the social fund contribution")
def contribute_social_fund(
    group_id: UUID, body: ContributionIn, command: Recorder
) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.contribute_social_fund(
        group_id, str(body.member_id), body.amount, on=body.on, meta=meta), entry)


@router.post("/social-fund/grants", status_code=201, response_model=EntryRecorded,
             summary="A grant from the social fund to a member")
def pay_social_fund_grant(group_id: UUID, body: GrantIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.pay_social_fund_grant(
        group_id, str(body.member_id), body.amount, body.reason, on=body.on, meta=meta), entry)


@router.post("/loans", status_code=201, response_model=LoanDisbursedOut,
             summary="Disburse a loan to a member")
def disburse_loan(group_id: UUID, body: LoanIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.disburse_loan(
        group_id, str(body.member_id), body.principal, body.term_months, on=body.on,
        meta=meta), loan_answer)


@router.post("/loans/{loan_id}/repayments", status_code=201, response_model=RepaymentOut,
             summary="Repay a loan: service charge first, then principal")
def repay_loan(group_id: UUID, loan_id: UUID, body: RepaymentIn, command: Recorder) -> JSONResponse:
    def shape(value: tuple[ev.LoanRepaid, Money]) -> RepaymentOut:
        event, outstanding = value
        return RepaymentOut(
            id=event.event_id, loan_id=UUID(event.loan_id), amount=str(event.amount.amount),
            charge_paid=str(event.charge_paid.amount),
            principal_paid=str(event.principal_paid.amount),
            outstanding=str(outstanding.amount))

    return command.execute(lambda meta: command.runtime.app.repay_loan(
        group_id, str(loan_id), body.amount, on=body.on, meta=meta), shape)


@router.post("/loans/{loan_id}/write-off", status_code=201, response_model=WriteOffOut,
             summary="Write off what is outstanding on a loan")
def write_off_loan(
    group_id: UUID, loan_id: UUID, body: WriteOffIn, command: Recorder
) -> JSONResponse:
    def shape(event: ev.LoanWrittenOff) -> WriteOffOut:
        return WriteOffOut(id=event.event_id, loan_id=UUID(event.loan_id),
                           amount=str(event.amount.amount))

    return command.execute(lambda meta: command.runtime.app.write_off_loan(
        group_id, str(loan_id), body.reason, on=body.on, meta=meta), shape)


@router.post("/fines", status_code=201, response_model=EntryRecorded,
             summary="A fine charged to a member and paid into the loan fund")
def charge_fine(group_id: UUID, body: FineIn, command: Recorder) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.charge_fine(
        group_id, str(body.member_id), body.amount, body.reason, on=body.on, meta=meta), entry)


@router.post("/enterprise-earnings", status_code=201, response_model=EntryRecorded,
             summary="Earnings of the group's enterprise, into the loan fund")
def record_enterprise_earnings(
    group_id: UUID, body: EarningsIn, command: Recorder
) -> JSONResponse:
    return command.execute(lambda meta: command.runtime.app.record_enterprise_earnings(
        group_id, body.amount, body.description, on=body.on, meta=meta), entry)


@router.post("/cash-counts", status_code=201, response_model=CashCountOut,
             summary="Count both cash boxes; the differences with the books are reported")
def count_cash(group_id: UUID, body: CashCountIn, command: Recorder) -> JSONResponse:
    def shape(event: ev.CashCounted) -> CashCountOut:
        return CashCountOut(
            id=event.event_id, difference_loan_fund=str(event.difference_loan_fund.amount),
            difference_social_fund=str(event.difference_social_fund.amount))

    return command.execute(lambda meta: command.runtime.app.count_cash(
        group_id, body.loan_fund_cash, body.social_fund_cash, on=body.on, meta=meta), shape)
