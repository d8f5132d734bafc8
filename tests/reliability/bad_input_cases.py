"""The table of malformed and hostile requests, each with the status and code it must get.

A row names the request (method, path, body or raw bytes, headers, query) as functions
of the seeded world (bad_input_world.py), so ids are real where the attack needs them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.api.support import ADMIN
from tests.reliability.bad_input_world import REUSED_KEY, Seeded

UNKNOWN = "00000000-0000-4000-8000-000000000000"
SQL = "x'); DROP TABLE stored_events; --"
JSON_HEADER = {"Content-Type": "application/json"}

Path = Callable[[Seeded], str]
Body = Callable[[Seeded], Any]
Headers = Callable[[Seeded], dict[str, str]]


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: Path
    status: int
    code: str
    body: Body | None = None  # JSON
    headers: Headers | None = None  # default: the union's accountant
    raw: bytes | None = None  # sent as it is, instead of a JSON body
    content_type: str = "application/json"
    params: dict[str, Any] | None = None


def fines(s: Seeded) -> str:
    return s.group("/fines")


def shares(s: Seeded) -> str:
    return s.group("/share-purchases")


def members(s: Seeded) -> str:
    return s.group("/members")


def fine_of(amount: Any, **changes: Any) -> Body:
    return lambda s: s.fine(amount=amount, **changes)


def purchase(shares_asked: Any = 1, on: str = "2026-10-01", member: str = "m1") -> Body:
    return lambda s: {"member_id": s.world.members[member], "shares": shares_asked, "on": on}


def member_named(name: str) -> Body:
    return lambda s: {"name": name, "gender": "female", "joined_on": "2026-02-02"}


def key(role: str, union: str = "world") -> Headers:
    return lambda s: getattr(s, union).keys[role]


def meeting(entries: int, attendance: int = 0) -> Body:
    def body(s: Seeded) -> dict[str, Any]:
        entry = {"type": "fine", "member_id": s.world.members["m1"], "amount": "1",
                 "reason": "x"}
        return {"held_on": "2026-03-03", "attendance": [s.world.members["m1"]] * attendance,
                "entries": [entry] * entries}

    return body


V = "validation_error"
MONEY = (
    Bad("money as a JSON float", "POST", fines, 422, V, fine_of(12.5)),
    Bad("money as a JSON integer", "POST", fines, 422, V, fine_of(500)),
    Bad("three decimals for KES", "POST", lambda s: f"/v1/groups/{s.kes.group_id}/fines", 422,
        "invalid_amount", lambda s: s.fine(s.kes.members["m1"], amount="12.345"),
        key("accountant", "kes")),
    Bad("decimals UGX does not have", "POST", fines, 422, "invalid_amount", fine_of("12.5")),
    Bad("negative amount", "POST", fines, 422, V, fine_of("-500")),
    Bad("zero amount", "POST", fines, 422, "invalid_amount", fine_of("0")),
    Bad("amount with 30 digits", "POST", fines, 422, V, fine_of("1" + "0" * 30)),
    Bad("amount in exponent notation", "POST", fines, 422, V, fine_of("1e3")),
    Bad("huge but well-formed grant", "POST", lambda s: s.group("/social-fund/grants"), 409,
        "insufficient_social_fund", fine_of("999999999999999999")),
    Bad("a million and one shares", "POST", shares, 422, V, purchase(1_000_001)),
    Bad("shares as a string", "POST", shares, 422, V, purchase("2")),
    Bad("zero shares", "POST", shares, 422, V, purchase(0)),
    Bad("more shares than the cycle allows", "POST", shares, 422, "share_limit_exceeded",
        purchase(6)),
    Bad("loan beyond the member's limit", "POST", lambda s: s.group("/loans"), 409,
        "loan_limit_exceeded", lambda s: {"member_id": s.world.members["m2"],
                                          "principal": "9000000", "term_months": 2,
                                          "on": "2026-10-01"}),
    Bad("loan term beyond the cycle's", "POST", lambda s: s.group("/loans"), 422,
        "loan_term_exceeded", lambda s: {"member_id": s.world.members["m2"],
                                         "principal": "1000", "term_months": 99,
                                         "on": "2026-10-01"}),
    Bad("relief beyond the entitlement", "POST",
        lambda s: f"/v1/unions/{s.world.union_id}/hazards/{s.world.hazard_id}/payouts", 409,
        "entitlement_exceeded", lambda s: {"group_id": s.world.group_id, "amount": "25000",
                                           "on": "2026-10-01"}, key("relief_officer")),
)

WHO_AND_WHEN = (
    Bad("unknown member", "POST", fines, 404, "member_not_found",
        lambda s: s.fine(UNKNOWN)),
    Bad("member of a sister group", "POST", fines, 404, "member_not_found",
        lambda s: s.fine(s.sister_member)),
    Bad("member of another union", "POST", fines, 404, "member_not_found",
        lambda s: s.fine(s.strangers.members["m1"])),
    Bad("exited member", "POST", fines, 409, "member_not_active",
        lambda s: s.fine(s.exited_member, on="2026-10-15")),
    Bad("shares in a shared-out cycle", "POST",
        lambda s: f"/v1/groups/{s.closed_group_id}/share-purchases", 409, "no_open_cycle",
        lambda s: {"member_id": s.closed_member, "shares": 1, "on": "2026-04-01"}),
    Bad("date on a closed cycle's share-out", "POST",
        lambda s: f"/v1/groups/{s.closed_group_id}/enterprise-earnings", 409,
        "date_in_closed_cycle",
        lambda s: {"amount": "100", "description": "eggs", "on": "2026-03-01"}),
    Bad("date in the future", "POST", fines, 422, "date_in_future",
        fine_of("500", on="2027-01-01")),
    Bad("date before the group's registration", "POST", fines, 422,
        "date_before_affiliation", fine_of("500", on="2025-12-31")),
    Bad("date before the member joined", "POST", fines, 422, "date_before_joining",
        lambda s: s.fine(s.late_member, on="2026-03-01")),
    Bad("a 30th of February", "POST", fines, 422, V, fine_of("500", on="2026-02-30")),
    Bad("a date as a number", "POST", fines, 422, V, fine_of("500", on=20261001)),
    Bad("indicators as of year 1", "GET", lambda s: s.group("/indicators"), 422, V,
        key("auditor"), params={"as_of": "0001-01-01"}),
    Bad("arrears as of year 9999", "GET", lambda s: f"/v1/unions/{s.world.union_id}/arrears",
        422, V, params={"as_of": "9999-12-31"}),
    Bad("reversing twice", "POST", lambda s: f"/v1/unions/{s.world.union_id}/reversals", 409,
        "already_reversed", lambda s: {"event_id": s.world.grant_event_id,
                                       "reason": "again", "on": "2026-10-02"}),
    Bad("hazard naming another union's group", "POST",
        lambda s: f"/v1/unions/{s.world.union_id}/hazards", 404, "group_not_found",
        lambda s: {"kind": "flood", "description": "x", "declared_on": "2026-09-01",
                   "affected_group_ids": [s.strangers.group_id]}, key("relief_officer")),
)

TEXT = (
    Bad("NUL character in a name", "POST", members, 422, V, member_named("Aki\x00ko")),
    Bad("name over 200 characters", "POST", members, 422, V, member_named("x" * 201)),
    Bad("empty name", "POST", members, 422, V, member_named("")),
    # Not an id of the key's union, so unknown: 404, as any other union's id would be.
    Bad("SQL in a path id", "GET", lambda s: "/v1/groups/1%20OR%201=1", 404,
        "group_not_found"),
    Bad("SQL in a path id (admin)", "GET", lambda s: "/v1/groups/1%20OR%201=1", 422, V,
        headers=lambda s: ADMIN),
    Bad("SQL in a query date", "GET", lambda s: s.group("/balances"), 422, V,
        params={"as_of": "2026-01-01' OR '1'='1"}),
    Bad("SQL in a cursor", "GET", lambda s: f"/v1/unions/{s.world.union_id}/groups", 422, V,
        params={"cursor": SQL}),
)

SHAPE = (
    Bad("unknown field", "POST", fines, 422, V, fine_of("500", role="admin")),
    Bad("missing field", "POST", fines, 422, V,
        lambda s: {"member_id": s.world.members["m1"], "amount": "500", "on": "2026-10-01"}),
    Bad("JSON sent as text/plain", "POST", fines, 422, V,
        raw=b'{"amount": "500"}', content_type="text/plain"),
    Bad("malformed JSON", "POST", fines, 422, V, raw=b'{"amount": "500",'),
    Bad("body that is not UTF-8", "POST", fines, 422, V, raw=b'{"reason": "\xff\xfe"}'),
    Bad("JSON nested 100,000 deep", "POST", fines, 422, V,
        raw=b"[" * 100_000 + b"]" * 100_000),
    Bad("JSON array for an object", "POST", fines, 422, V, raw=b"[]"),
    Bad("empty body", "POST", fines, 422, V, raw=b""),
    Bad("10 MB body", "POST", fines, 413, "body_too_large",
        raw=json.dumps({"reason": "x" * 10_000_000}).encode()),
    Bad("too many meeting entries", "POST", lambda s: s.group("/meetings"), 422, V,
        meeting(501)),
    Bad("too many attendees", "POST", lambda s: s.group("/meetings"), 422, V,
        meeting(1, attendance=1001)),
    Bad("page size over the maximum", "GET", lambda s: s.group("/journal"), 422, V,
        params={"limit": 1001}),
    Bad("negative min_position", "GET", lambda s: s.group("/journal"), 422, V,
        params={"min_position": -1}),
    Bad("unknown route", "GET", lambda s: "/v1/../../etc/passwd", 404, "not_found"),
    Bad("method not allowed", "DELETE", lambda s: s.group(), 405, "method_not_allowed"),
)

AUTH = (
    Bad("no key", "POST", fines, 401, "unauthorized", fine_of("500"), lambda s: {}),
    Bad("unknown key", "POST", fines, 401, "unauthorized", fine_of("500"),
        lambda s: {"Authorization": "Bearer ul_not-a-key"}),
    Bad("revoked key", "POST", fines, 401, "unauthorized", fine_of("500"),
        lambda s: s.revoked),
    Bad("not a bearer key", "POST", fines, 401, "unauthorized", fine_of("500"),
        lambda s: {"Authorization": "Basic YWRtaW46YWRtaW4="}),
    Bad("a 10 kB key", "POST", fines, 401, "unauthorized", fine_of("500"),
        lambda s: {"Authorization": "Bearer " + "k" * 10_000}),
    Bad("another union's key", "POST", fines, 404, "group_not_found", fine_of("500"),
        key("accountant", "strangers")),
    Bad("an auditor writing", "POST", fines, 403, "forbidden", fine_of("500"),
        key("auditor")),
    Bad("a relief officer booking a fine", "POST", fines, 403, "forbidden", fine_of("500"),
        key("relief_officer")),
    Bad("an accountant issuing keys", "POST", lambda s: "/v1/api-keys", 403, "forbidden",
        lambda s: {"role": "admin", "label": "me"}),
    Bad("an accountant registering a union", "POST", lambda s: "/v1/unions", 403,
        "forbidden", lambda s: {"code": "X", "name": "x", "currency": "UGX",
                                "subscription_schedule": {"frequency": "annual",
                                                          "amount": "1", "grace_days": 0}}),
    Bad("Idempotency-Key reused with another body", "POST", fines, 409,
        "idempotency_key_reused", lambda s: {**s.reused_fine, "amount": "501"},
        lambda s: {**s.accountant, "Idempotency-Key": REUSED_KEY}),
    Bad("Idempotency-Key over 200 characters", "POST", fines, 422, V, fine_of("500"),
        lambda s: {**s.accountant, "Idempotency-Key": "k" * 201}),
    Bad("Idempotency-Key with a space", "POST", fines, 422, V, fine_of("500"),
        lambda s: {**s.accountant, "Idempotency-Key": "two words"}),
)

CASES = MONEY + WHO_AND_WHEN + TEXT + SHAPE + AUTH
