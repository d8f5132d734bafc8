"""Books and reports, from the read models (arrears from the Union aggregate); JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from api.auth import group_not_found, union_not_found
from api.deps import AnyReader, BookReader, GuardedRoute, Page, Rt
from api.pagination import (
    PageRequest,
    after_number,
    after_pair,
    encode_cursor,
    next_cursor,
)
from api.schemas.common import READ_PROBLEMS
from api.schemas.common import Page as PageOf
from api.schemas.reports import (
    Arrears,
    ArrearsLineOut,
    BalancesOut,
    GroupIndicators,
    IndicatorsOut,
    JournalEntry,
    StatementLine,
    TrialBalance,
    UnionIndicators,
)
from api.tabular import CSV_RESPONSE, report, rows_of
from domain import errors
from projections import queries
from projections.savix import SAVIX_COLUMNS, quarter_dates, savix_rows
from union_ledger.runtime import Runtime

router = APIRouter(route_class=GuardedRoute, tags=["reports"],
                   responses={**READ_PROBLEMS, **CSV_RESPONSE})

# Bounded: PAR looks 30 days before the date and arrears run to the end of its period, so
# the ends of Python's date range (years 1 and 9999) would overflow into a 500.
AS_OF_MIN, AS_OF_MAX = date(1900, 1, 1), date(2999, 12, 31)
AsOf = Annotated[date | None, Query(
    ge=AS_OF_MIN, le=AS_OF_MAX,
    description="Business date, 1900-01-01 to 2999-12-31 (default: now / today).")]
STATEMENT_COLUMNS = ("position", "on", "event_id", "kind", "description", "amount", "shares",
                     "savings_balance", "loan_balance")
ARREARS_COLUMNS = ("group_id", "period", "due_on", "owed", "paid", "unpaid")


def _missing(book: str, book_id: UUID) -> errors.DomainError:
    return group_not_found(str(book_id)) if book == "group" else union_not_found(str(book_id))


@router.get("/groups/{group_id}/balances", response_model=BalancesOut,
            summary="Fund balances and each member's savings and loan, as of a date")
def balances(
    group_id: UUID, request: Request, caller: BookReader, rt: Rt, as_of: AsOf = None
) -> Response:
    with rt.read() as cursor:
        record = queries.group_balances(cursor, str(group_id), as_of)
    if record is None:
        raise group_not_found(str(group_id))
    model = BalancesOut.model_validate(record)

    def table() -> tuple[list[str], list[list[object]]]:
        rows: list[list[object]] = [["fund", name, None, None, None, amount]
                                    for name, amount in model.balances.model_dump().items()]
        rows += [["member", m.name, m.member_id, m.savings, m.loan_outstanding, None]
                 for m in model.members]
        return ["section", "name", "member_id", "savings", "loan_outstanding", "amount"], rows

    return report(request, model, table)


@router.get("/groups/{group_id}/members/{member_id}/statement",
            response_model=PageOf[StatementLine],
            summary="A member's passbook with running balances (paginated)")
def statement(
    group_id: UUID, member_id: UUID, request: Request, caller: BookReader, rt: Rt, page: Page
) -> Response:
    with rt.read() as cursor:
        lines = queries.statement_lines(cursor, str(group_id), str(member_id), page.limit,
                                        after_pair(page))
    if lines is None:
        raise errors.MemberNotFound(f"member {member_id} not found", member_id=str(member_id))
    items = [StatementLine.model_validate(line) for line in lines]
    following = (encode_cursor([lines[-1]["position"], lines[-1]["line"]])
                 if len(lines) >= page.limit else None)
    body = PageOf[StatementLine](items=items, next=following)
    return report(request, body, lambda: (STATEMENT_COLUMNS, rows_of(items, STATEMENT_COLUMNS)),
                  next_cursor=following)


def _journal(
    request: Request, rt: Runtime, book: str, book_id: UUID, page: PageRequest,
    start: date | None,
    end: date | None,
) -> Response:
    with rt.read() as cursor:
        if _currency(cursor, book, book_id) is None:
            raise _missing(book, book_id)
        records = queries.journal(cursor, str(book_id), start, end, page.limit,
                                  after_number(page))
    entries = [JournalEntry.model_validate(record) for record in records]
    following = next_cursor([entry.position for entry in entries], page.limit)
    body = PageOf[JournalEntry](items=entries, next=following)

    def table() -> tuple[list[str], list[list[object]]]:
        header = ["position", "on", "entry_id", "event_id", "event_type", "description",
                  "actor", "account", "sub_account", "debit", "credit"]
        return header, [[e.position, e.on, e.entry_id, e.event_id, e.event_type,
                         e.description, e.actor, p.account, p.sub_account, p.debit, p.credit]
                        for e in entries for p in e.postings]

    return report(request, body, table, next_cursor=following)


def _currency(cursor: Any, book: str, book_id: UUID) -> str | None:
    record = (queries.group(cursor, str(book_id)) if book == "group"
              else queries.union(cursor, str(book_id)))
    return None if record is None else str(record["currency"])


From = Annotated[date | None, Query(alias="from", description="First business date.")]
To = Annotated[date | None, Query(alias="to", description="Last business date.")]


@router.get("/groups/{group_id}/journal", response_model=PageOf[JournalEntry],
            summary="The group's journal entries with postings (paginated)")
def group_journal(group_id: UUID, request: Request, caller: BookReader, rt: Rt, page: Page,
                  start: From = None, end: To = None) -> Response:
    return _journal(request, rt, "group", group_id, page, start, end)


@router.get("/unions/{union_id}/journal", response_model=PageOf[JournalEntry],
            summary="The union's journal entries with postings (paginated)")
def union_journal(union_id: UUID, request: Request, caller: BookReader, rt: Rt, page: Page,
                  start: From = None, end: To = None) -> Response:
    return _journal(request, rt, "union", union_id, page, start, end)


def _trial_balance(
    request: Request, rt: Runtime, book: str, book_id: UUID, as_of: date | None
) -> Response:
    with rt.read() as cursor:
        found = _currency(cursor, book, book_id) is not None
        record = queries.trial_balance(cursor, str(book_id), as_of) if found else None
    if record is None:
        raise _missing(book, book_id)
    model = TrialBalance.model_validate(record)

    def table() -> tuple[list[str], list[list[object]]]:
        rows: list[list[object]] = [[a.code, a.name, a.debit, a.credit] for a in model.accounts]
        rows.append(["total", "", model.total_debit, model.total_credit])
        return ["code", "name", "debit", "credit"], rows

    return report(request, model, table)


@router.get("/groups/{group_id}/trial-balance", response_model=TrialBalance,
            summary="The group's trial balance as of a date")
def group_trial_balance(group_id: UUID, request: Request, caller: BookReader, rt: Rt,
                        as_of: AsOf = None) -> Response:
    return _trial_balance(request, rt, "group", group_id, as_of)


@router.get("/unions/{union_id}/trial-balance", response_model=TrialBalance,
            summary="The union's trial balance as of a date")
def union_trial_balance(union_id: UUID, request: Request, caller: BookReader, rt: Rt,
                        as_of: AsOf = None) -> Response:
    return _trial_balance(request, rt, "union", union_id, as_of)


def _indicators(
    request: Request, record: dict[str, Any] | None, kind: type[IndicatorsOut],
    missing: Exception,
) -> Response:
    if record is None:
        raise missing
    model = kind.model_validate(record)
    return report(request, model, lambda: (
        ["indicator", "value"], [[name, value] for name, value in model.model_dump(
            mode="json").items()]))


@router.get("/groups/{group_id}/indicators", response_model=GroupIndicators,
            summary="SAVIX-style indicators of the group's current cycle")
def group_indicators(group_id: UUID, request: Request, caller: BookReader, rt: Rt,
                     as_of: AsOf = None) -> Response:
    with rt.read() as cursor:
        record = queries.group_indicators(cursor, str(group_id), as_of or rt.app.today())
    return _indicators(request, record, GroupIndicators, group_not_found(str(group_id)))


@router.get("/unions/{union_id}/indicators", response_model=UnionIndicators,
            summary="SAVIX-style indicators pooled over the union's groups")
def union_indicators(union_id: UUID, request: Request, caller: BookReader, rt: Rt,
                     as_of: AsOf = None) -> Response:
    with rt.read() as cursor:
        record = queries.union_indicators(cursor, str(union_id), as_of or rt.app.today())
    return _indicators(request, record, UnionIndicators, union_not_found(str(union_id)))


@router.get("/unions/{union_id}/arrears", response_model=Arrears,
            summary="Groups in arrears on subscriptions as of a date (from the aggregate)")
def arrears(union_id: UUID, request: Request, caller: AnyReader, rt: Rt,
            as_of: AsOf = None) -> Response:
    """Computed from the Union aggregate (always current), not from a read model."""
    union = rt.app.load_union(union_id)
    lines = [
        ArrearsLineOut(group_id=group_id, period=line.period, due_on=line.due_on,
                       owed=str(line.owed.amount), paid=str(line.paid.amount),
                       unpaid=str(line.unpaid.amount))
        for group_id, group_lines in union.arrears_all(as_of or rt.app.today()).items()
        for line in group_lines
    ]
    return report(request, Arrears(root=lines),
                  lambda: (ARREARS_COLUMNS, rows_of(lines, ARREARS_COLUMNS)))


class SavixReport(BaseModel):
    """The SAVIX quarterly figures of every group of a union (columns: docs/INDICATORS.md)."""

    union_id: UUID
    year: int
    quarter: int
    rows: list[dict[str, Any]]


@router.get("/unions/{union_id}/savix", response_model=SavixReport,
            responses={**CSV_RESPONSE, **READ_PROBLEMS},
            summary="The SAVIX quarterly report of every group (CSV with Accept: text/csv)")
def savix(
    union_id: UUID, request: Request, caller: BookReader, rt: Rt,
    year: Annotated[int | None, Query(ge=2000, le=2999, description="Report year "
                                      "(default: this quarter's)")] = None,
    quarter: Annotated[int | None, Query(ge=1, le=4, description="Report quarter, 1 to 4 "
                                         "(default: the current one)")] = None,
) -> Response:
    """Per group, the figures a savings-group programme files with the SAVIX MIS, as of the
    quarter's last day (or today while the quarter runs)."""
    today = rt.app.today()
    year = year or today.year
    quarter = quarter or (today.month - 1) // 3 + 1
    if quarter_dates(year, quarter)[0] > today:
        raise errors.InvalidDate(f"{year}-Q{quarter} has not begun yet (today is {today})")
    with rt.read() as cursor:
        if queries.union(cursor, str(union_id)) is None:
            raise union_not_found(str(union_id))
        rows = savix_rows(cursor, str(union_id), year, quarter, today=today)
    body = SavixReport(union_id=union_id, year=year, quarter=quarter, rows=rows)
    return report(request, body, lambda: (
        list(SAVIX_COLUMNS), [[row.get(c) for c in SAVIX_COLUMNS] for row in rows]))
