"""Read-model queries: what the API and reports read. Amounts come out as decimal strings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.books import GROUP_ACCOUNTS, UNION_ACCOUNTS
from projections.codec import amount_text
from projections.indicator_queries import (
    group_indicators,
    indicator_inputs,
    indicators_record,
    union_indicators,
)
from projections.store import Cursor, Query, Row

Record = dict[str, Any]
PAGE_SIZE_MAX = 1000

GROUP_COLUMNS = (
    "group_id, union_id, name, enterprise, locality, affiliated_on, currency, members_count, "
    "women_count, cycle_number, cycle_open, cycle_started_on, cycle_json, loan_fund_cash, "
    "social_fund_cash, loans_outstanding, member_savings, surplus, cycle_surplus, "
    "sar_standing, sye_balance, version, position"
)
GROUP_COLUMN_NAMES = tuple(c.strip() for c in GROUP_COLUMNS.split(","))
BALANCE_FIELDS = ("loan_fund_cash", "social_fund_cash", "loans_outstanding", "member_savings",
                  "surplus", "sar_standing", "sye_balance")


def _group_record(row: tuple[Any, ...]) -> Record:
    raw = dict(zip(GROUP_COLUMN_NAMES, row, strict=True))
    currency = raw["currency"]
    cycle = json.loads(raw["cycle_json"]) or None
    return {
        "id": raw["group_id"], "union_id": raw["union_id"], "name": raw["name"],
        "enterprise": raw["enterprise"], "locality": raw["locality"],
        "affiliated_on": raw["affiliated_on"], "currency": currency,
        "members_count": raw["members_count"], "women_count": raw["women_count"],
        "cycle": cycle,
        "balances": {f: amount_text(raw[f], currency) for f in BALANCE_FIELDS},
        "version": raw["version"], "position": raw["position"],
    }


def _group_query(group_id: str) -> Query:
    return f"SELECT {GROUP_COLUMNS} FROM rm_groups WHERE group_id = ?", (group_id,)


def group(cursor: Cursor, group_id: str) -> Record | None:
    row = cursor.fetchone(*_group_query(group_id))
    return None if row is None else _group_record(row)


def groups_of_union(cursor: Cursor, union_id: str, limit: int, after: str | None) -> list[Record]:
    rows = cursor.fetchall(
        f"SELECT {GROUP_COLUMNS} FROM rm_groups WHERE union_id = ? AND group_id > ? "
        "ORDER BY group_id LIMIT ?",
        (union_id, after or "", min(limit, PAGE_SIZE_MAX)),
    )
    return [_group_record(row) for row in rows]


def union(cursor: Cursor, union_id: str) -> Record | None:
    row = cursor.fetchone(
        "SELECT union_id, code, name, currency, groups_count, relief_fund_balance, "
        "sye_liability, subscriptions_received_total, relief_policy_json, version, position "
        "FROM rm_unions WHERE union_id = ?", (union_id,),
    )
    if row is None:
        return None
    currency = row[3]
    return {
        "id": row[0], "code": row[1], "name": row[2], "currency": currency,
        "groups_count": row[4], "relief_fund_balance": amount_text(row[5], currency),
        "sye_deposits_total": amount_text(row[6], currency),
        "subscriptions_received_total": amount_text(row[7], currency),
        "relief_policy": json.loads(row[8]), "version": row[9], "position": row[10],
    }


def owner_union(cursor: Cursor, book_id: str) -> str | None:
    """The union a group or union id belongs to (None when unknown): tenancy checks."""
    row = cursor.fetchone("SELECT union_id FROM rm_groups WHERE group_id = ?", (book_id,))
    if row is not None:
        return str(row[0])
    row = cursor.fetchone("SELECT union_id FROM rm_unions WHERE union_id = ?", (book_id,))
    return None if row is None else str(row[0])


def currency_of(cursor: Cursor, book_id: str) -> str | None:
    for table, key in (("rm_groups", "group_id"), ("rm_unions", "union_id")):
        row = cursor.fetchone(f"SELECT currency FROM {table} WHERE {key} = ?", (book_id,))
        if row is not None:
            return str(row[0])
    return None


# --- balances, now or as of a date -----------------------------------------------------


def _account_sums(cursor: Cursor, book_id: str, as_of: date | None) -> list[tuple[Any, ...]]:
    return cursor.fetchall(*_account_sums_query(book_id, as_of))


def _account_sums_query(book_id: str, as_of: date | None) -> Query:
    if as_of is None:
        return ("SELECT account, sub_account, debit, credit FROM rm_account_balances "
                "WHERE book_id = ?", (book_id,))
    return ("SELECT account, sub_account, SUM(debit), SUM(credit) FROM rm_postings "
            "WHERE book_id = ? AND on_date <= ? GROUP BY account, sub_account",
            (book_id, as_of.isoformat()))


def group_balances(cursor: Cursor, group_id: str, as_of: date | None) -> Record | None:
    """Fund balances and per-member savings and loans, from the group's books.

    The SAR standing of today is the group row's, which the projector writes from the
    group with its postings (a test holds the two equal); as of a date it is summed from
    the SAR postings up to that date, leaving out share-outs' closing entries."""
    statements = [_group_query(group_id), _account_sums_query(group_id, as_of),
                  _group_members_query(group_id)]
    if as_of is not None:
        statements.append(_sar_standing_query(group_id, as_of))
    group_rows, sums, member_rows, *sar_rows = cursor.fetch_many(statements)
    if not group_rows:
        return None
    group_row = dict(zip(GROUP_COLUMN_NAMES, group_rows[0], strict=True))
    currency = str(group_row["currency"])
    totals: dict[str, int] = {}
    members: dict[str, dict[str, int]] = {}
    for account, sub, debit, credit in sums:
        net = int(debit) - int(credit)  # debit-positive
        totals[account] = totals.get(account, 0) + net
        if sub and account in ("3000", "1100"):
            entry = members.setdefault(sub, {"savings": 0, "loan_outstanding": 0})
            entry["savings" if account == "3000" else "loan_outstanding"] += (
                -net if account == "3000" else net)
    surplus = -sum(v for k, v in totals.items() if k == "3200" or k[0] in "45")
    sar = int(sar_rows[0][0][0]) if sar_rows else int(group_row["sar_standing"])
    balances = {
        "loan_fund_cash": totals.get("1000", 0), "social_fund_cash": totals.get("1010", 0),
        "loans_outstanding": totals.get("1100", 0), "member_savings": -totals.get("3000", 0),
        "surplus": surplus, "sar_standing": sar, "sye_balance": totals.get("1200", 0),
    }
    names = {m["member_id"]: m for m in map(_member_record, member_rows)}
    return {
        "group_id": group_id, "as_of": as_of.isoformat() if as_of else None,
        "currency": currency,
        "balances": {k: amount_text(v, currency) for k, v in balances.items()},
        "members": [
            {"member_id": mid, "name": names.get(mid, {}).get("name"),
             "savings": amount_text(v["savings"], currency),
             "loan_outstanding": amount_text(v["loan_outstanding"], currency)}
            for mid, v in sorted(members.items())
        ],
    }


def _sar_standing_query(group_id: str, as_of: date | None) -> Query:
    return ("SELECT COALESCE(SUM(p.debit - p.credit), 0) FROM rm_postings p JOIN rm_journal j "
            "ON j.position = p.position WHERE p.book_id = ? AND p.account = '5010' "
            "AND j.event_type <> 'CycleSharedOut' AND p.on_date <= ?",
            (group_id, (as_of or date.max).isoformat()))


MEMBER_ROW_FIELDS = ("member_id", "name", "gender", "joined_on", "exited_on", "shares",
                     "savings", "loan_outstanding", "social_fund_paid", "fines_paid")


def _group_members_query(group_id: str) -> Query:
    return (f"SELECT {', '.join(MEMBER_ROW_FIELDS)} FROM rm_members WHERE group_id = ? "
            "ORDER BY joined_on, name, member_id", (group_id,))


def _member_record(row: Row) -> Record:
    return dict(zip(MEMBER_ROW_FIELDS, row, strict=True))


def statement(
    cursor: Cursor, group_id: str, member_id: str, limit: int, after: int | None
) -> list[Record] | None:
    member = cursor.fetchone(
        "SELECT group_id FROM rm_members WHERE group_id = ? AND member_id = ?",
        (group_id, member_id))
    currency = currency_of(cursor, group_id)
    if member is None or currency is None:
        return None
    rows = cursor.fetchall(
        "SELECT position, on_date, event_id, kind, description, amount, shares, "
        "savings_balance, loan_balance FROM rm_statement WHERE group_id = ? AND member_id = ? "
        "AND position > ? ORDER BY position, line LIMIT ?",
        (group_id, member_id, after or 0, min(limit, PAGE_SIZE_MAX)))
    return [
        {"position": r[0], "on": r[1], "event_id": r[2], "kind": r[3], "description": r[4],
         "amount": amount_text(r[5], currency), "shares": r[6],
         "savings_balance": amount_text(r[7], currency),
         "loan_balance": amount_text(r[8], currency)}
        for r in rows
    ]


# --- books -------------------------------------------------------------------------------


def journal(
    cursor: Cursor, book_id: str, start: date | None, end: date | None, limit: int,
    after: int | None,
) -> list[Record]:
    currency = currency_of(cursor, book_id) or "USD"
    entries = cursor.fetchall(
        "SELECT entry_id, position, on_date, description, event_id, event_type, actor "
        "FROM rm_journal WHERE book_id = ? AND on_date >= ? AND on_date <= ? AND position > ? "
        "ORDER BY position LIMIT ?",
        (book_id, (start or date.min).isoformat(), (end or date.max).isoformat(), after or 0,
         min(limit, PAGE_SIZE_MAX)))
    result: list[Record] = []
    for entry_id, position, on, description, event_id, event_type, actor in entries:
        lines = cursor.fetchall(
            "SELECT account, sub_account, debit, credit FROM rm_postings WHERE position = ? "
            "ORDER BY line", (position,))
        result.append({
            "entry_id": entry_id, "position": position, "on": on, "description": description,
            "event_id": event_id, "event_type": event_type, "actor": actor,
            "postings": [
                {"account": a, "sub_account": s or None, "debit": amount_text(d, currency),
                 "credit": amount_text(c, currency)} for a, s, d, c in lines],
        })
    return result


def trial_balance(cursor: Cursor, book_id: str, as_of: date | None) -> Record | None:
    """Each account's balance on its natural side; total debits equal total credits."""
    currency = currency_of(cursor, book_id)
    if currency is None:
        return None
    is_group = cursor.fetchone("SELECT 1 FROM rm_groups WHERE group_id = ?", (book_id,))
    chart = GROUP_ACCOUNTS if is_group else UNION_ACCOUNTS
    nets: dict[str, int] = {}
    for account, _sub, debit, credit in _account_sums(cursor, book_id, as_of):
        nets[account] = nets.get(account, 0) + int(debit) - int(credit)
    accounts = []
    for code in sorted(nets):
        net = nets[code]
        accounts.append({"code": code, "name": chart.get(code, code),
                         "debit": amount_text(max(net, 0), currency),
                         "credit": amount_text(max(-net, 0), currency)})
    total_debit = sum(max(n, 0) for n in nets.values())
    total_credit = sum(max(-n, 0) for n in nets.values())
    return {"book_id": book_id, "as_of": as_of.isoformat() if as_of else None,
            "currency": currency, "accounts": accounts,
            "total_debit": amount_text(total_debit, currency),
            "total_credit": amount_text(total_credit, currency)}


# --- relief --------------------------------------------------------------------------------


def hazard(cursor: Cursor, hazard_id: str) -> Record | None:
    row = cursor.fetchone(
        "SELECT hazard_id, union_id, kind, description, declared_on, affected_json "
        "FROM rm_hazards WHERE hazard_id = ?", (hazard_id,))
    if row is None:
        return None
    return {"id": row[0], "union_id": row[1], "kind": row[2], "description": row[3],
            "declared_on": row[4], "affected_group_ids": json.loads(row[5])}


@dataclass(frozen=True)
class HazardEntitlements:
    """A hazard's union and its entitlement lines, one per affected group."""

    union_id: str
    lines: list[Record]


def entitlements(cursor: Cursor, hazard_id: str) -> HazardEntitlements | None:
    """The hazard's entitlement lines in group order (None: no such hazard)."""
    hazards, rows = cursor.fetch_many([
        ("SELECT h.union_id, u.currency FROM rm_hazards h "
         "LEFT JOIN rm_unions u ON u.union_id = h.union_id WHERE h.hazard_id = ?", (hazard_id,)),
        ("SELECT group_id, eligible, reasons_json, sar_standing, sye_balance, base, cap, paid, "
         "entitlement, policy_json FROM rm_entitlements WHERE hazard_id = ? ORDER BY group_id",
         (hazard_id,)),
    ])
    if not hazards:
        return None
    union_id, currency = str(hazards[0][0]), str(hazards[0][1] or "USD")
    # The groups of one hazard share a policy or a few: each one's text is parsed once,
    # and rows with the same policy get the same (read-only) dict.
    policies: dict[str, Any] = {}
    return HazardEntitlements(union_id, [
        {"group_id": r[0], "eligible": bool(r[1]), "reasons": json.loads(r[2]),
         "sar_standing": amount_text(r[3], currency), "sye_balance": amount_text(r[4], currency),
         "base": amount_text(r[5], currency),
         "cap": None if r[6] is None else amount_text(r[6], currency),
         "paid": amount_text(r[7], currency), "entitlement": amount_text(r[8], currency),
         "policy": policies[r[9]] if r[9] in policies else policies.setdefault(
             r[9], json.loads(r[9]))}
        for r in rows
    ])


# --- API pages: members, hazards, statement lines, unions ----------------------------------


MEMBER_FIELDS = ("member_id", "name", "gender", "joined_on", "exited_on", "shares", "savings",
                 "loan_outstanding")


def members_of_group(cursor: Cursor, group_id: str) -> list[Record] | None:
    """The group's members in joining order, amounts as text (None: unknown group)."""
    currency = currency_of(cursor, group_id)
    if currency is None:
        return None
    rows = cursor.fetchall(
        "SELECT member_id, name, gender, joined_on, exited_on, shares, savings, "
        "loan_outstanding FROM rm_members WHERE group_id = ? "
        "ORDER BY joined_on, name, member_id", (group_id,))
    records = [dict(zip(MEMBER_FIELDS, row, strict=True)) for row in rows]
    for record in records:
        record["savings"] = amount_text(int(record["savings"]), currency)
        record["loan_outstanding"] = amount_text(int(record["loan_outstanding"]), currency)
    return records


def hazards_of_union(
    cursor: Cursor, union_id: str, limit: int, after: str | None
) -> list[Record]:
    rows = cursor.fetchall(
        "SELECT hazard_id, union_id, kind, description, declared_on, affected_json "
        "FROM rm_hazards WHERE union_id = ? AND hazard_id > ? ORDER BY hazard_id LIMIT ?",
        (union_id, after or "", min(limit, PAGE_SIZE_MAX)))
    return [{"id": r[0], "union_id": r[1], "kind": r[2], "description": r[3],
             "declared_on": r[4], "affected_group_ids": json.loads(r[5])} for r in rows]


def statement_lines(
    cursor: Cursor, group_id: str, member_id: str, limit: int, after: tuple[int, int] | None
) -> list[Record] | None:
    """Like `statement`, keyed by (position, line) so a page may end inside one event."""
    member = cursor.fetchone(
        "SELECT group_id FROM rm_members WHERE group_id = ? AND member_id = ?",
        (group_id, member_id))
    currency = currency_of(cursor, group_id)
    if member is None or currency is None:
        return None
    position, line = after or (0, -1)
    rows = cursor.fetchall(
        "SELECT position, line, on_date, event_id, kind, description, amount, shares, "
        "savings_balance, loan_balance FROM rm_statement WHERE group_id = ? AND member_id = ? "
        "AND (position > ? OR (position = ? AND line > ?)) ORDER BY position, line LIMIT ?",
        (group_id, member_id, position, position, line, min(limit, PAGE_SIZE_MAX)))
    return [
        {"position": r[0], "line": r[1], "on": r[2], "event_id": r[3], "kind": r[4],
         "description": r[5], "amount": amount_text(r[6], currency), "shares": r[7],
         "savings_balance": amount_text(r[8], currency),
         "loan_balance": amount_text(r[9], currency)}
        for r in rows
    ]


def unions_page(cursor: Cursor, limit: int, after: str | None) -> list[Record]:
    """Unions ordered by code (then id), for administrators."""
    rows = cursor.fetchall(
        "SELECT union_id, code FROM rm_unions ORDER BY code, union_id", ())
    keys = [(str(code), str(union_id)) for union_id, code in rows]
    start = 0
    if after is not None:
        start = next((i + 1 for i, (_, uid) in enumerate(keys) if uid == after), len(keys))
    found = (union(cursor, uid) for _, uid in keys[start:start + min(limit, PAGE_SIZE_MAX)])
    return [record for record in found if record is not None]


__all__ = ["group_indicators", "indicator_inputs", "indicators_record", "union_indicators"]
