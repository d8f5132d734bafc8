"""The bank test's final checks: bookings by request id, balanced books, conserved money.

Each request is booked at most once, and exactly once when acknowledged; every trial
balance balances; the money inside equals what crossed the edge; read models = a rebuild.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from domain.idempotency import IdempotencyRecord
from domain.ledger import LedgerAggregate
from projections.store import ReadStore
from tests.projections.support import tracking_position
from tests.reliability.bank_requests import (
    Json,
    Request,
    answered_event_ids,
    expected_event_count,
    external_total,
)
from tests.reliability.bank_world import World
from union_ledger.application import LedgerApplication
from union_ledger.audit import notifications

CATCH_UP_TIMEOUT_S = 180.0
POLL_INTERVAL_S = 0.2


@dataclass
class StoreIndex:
    """The event store read back by request id: ledger events and idempotency records."""

    events: Counter[str] = field(default_factory=Counter)
    event_ids: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    records: Counter[str] = field(default_factory=Counter)
    total: int = 0


def index_store(app: LedgerApplication) -> StoreIndex:
    """Every stored event of the whole log, counted by the request id it carries."""
    index = StoreIndex()
    for notification in notifications(app):
        event = app.mapper.to_domain_event(notification)
        index.total += 1
        request_id = str(getattr(event, "request_id", ""))
        if isinstance(event, IdempotencyRecord.Recorded):
            index.records[request_id] += 1
        elif isinstance(event, LedgerAggregate.Event):
            index.events[request_id] += 1
            index.event_ids[request_id].add(str(event.event_id))
    return index


@dataclass
class Verdict:
    """Which requests broke a promise, by kind of breach (request numbers)."""

    lost: list[int] = field(default_factory=list)  # acknowledged 2xx, not in the store
    doubled: list[int] = field(default_factory=list)  # booked more than once
    partial: list[int] = field(default_factory=list)  # booked, but not the whole answer
    phantom: list[int] = field(default_factory=list)  # refused, yet something was booked
    accepted_invalid: list[int] = field(default_factory=list)  # built to fail, booked
    wrong_code: list[str] = field(default_factory=list)  # refused with an unexpected code
    unacknowledged: list[int] = field(default_factory=list)  # never answered
    # Answered 5xx on some attempt. A killed process refuses or resets connections; a 5xx
    # from a live one is a programmer error (the retry may still have booked it once).
    server_errors: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Every promise about bookings kept (5xx answers are judged apart)."""
        return not (self.lost or self.doubled or self.partial or self.phantom
                    or self.accepted_invalid or self.wrong_code or self.unacknowledged)


def judge(requests: Sequence[Request], index: StoreIndex) -> Verdict:
    verdict = Verdict()
    for request in requests:
        events = index.events[request.request_id]
        records = index.records[request.request_id]
        if any(failure.startswith("HTTP 5") for failure in request.failures):
            verdict.server_errors.append(request.number)
        if not request.acknowledged:
            verdict.unacknowledged.append(request.number)
            if records > 1:
                verdict.doubled.append(request.number)
        elif request.booked:
            _judge_booked(request, index, verdict)
            if request.invalid:
                verdict.accepted_invalid.append(request.number)
        else:
            if events or records:
                verdict.phantom.append(request.number)
            code = str(request.answered().get("code"))
            if request.invalid and code not in request.refusal_codes:
                verdict.wrong_code.append(f"{request.number} {request.kind}: {code}")
    return verdict


def _judge_booked(request: Request, index: StoreIndex, verdict: Verdict) -> None:
    events = index.events[request.request_id]
    records = index.records[request.request_id]
    expected = expected_event_count(request)
    if events == 0 and records == 0:
        verdict.lost.append(request.number)
    elif records > 1 or events > expected:
        verdict.doubled.append(request.number)
    elif records != 1 or events != expected or not answered_event_ids(request) <= (
            index.event_ids[request.request_id]):
        verdict.partial.append(request.number)


# --- the books, read through the API ---------------------------------------------------


def wait_caught_up(app: LedgerApplication, store: ReadStore) -> int:
    """Until the read models hold the whole log (the worker projects); returns it."""
    target = app.position()
    deadline = time.monotonic() + CATCH_UP_TIMEOUT_S
    while tracking_position(store) < target:
        if time.monotonic() > deadline:
            raise AssertionError(f"read models at {tracking_position(store)}, log at {target}")
        time.sleep(POLL_INTERVAL_S)
    return target


@dataclass(frozen=True)
class Books:
    cash_inside: Decimal  # Σ groups' loan fund + social fund + union account 1000
    unbalanced: tuple[str, ...]  # books whose trial balance does not balance


def read_books(url: str, headers: dict[str, str], world: World, position: int) -> Books:
    params = {"min_position": position}
    unbalanced: list[str] = []
    cash = Decimal(0)
    with httpx.Client(base_url=url, headers=headers, timeout=30.0, params=params) as http:
        for group in world.groups:
            balances = _get(http, f"/v1/groups/{group.group_id}")["balances"]
            cash += Decimal(balances["loan_fund_cash"]) + Decimal(balances["social_fund_cash"])
            if not _balanced(_get(http, f"/v1/groups/{group.group_id}/trial-balance")):
                unbalanced.append(group.group_id)
        union = _get(http, f"/v1/unions/{world.union_id}/trial-balance")
        if not _balanced(union):
            unbalanced.append(world.union_id)
        cash += sum((Decimal(a["debit"]) - Decimal(a["credit"]) for a in union["accounts"]
                     if a["code"] == "1000"), Decimal(0))
    return Books(cash, tuple(unbalanced))


def _get(http: httpx.Client, path: str) -> Json:
    response = http.get(path)
    if response.status_code != 200:
        raise AssertionError(f"GET {path}: {response.status_code} {response.text}")
    found: Json = response.json()
    return found


def _balanced(trial_balance: Json) -> bool:
    debit = sum((Decimal(a["debit"]) for a in trial_balance["accounts"]), Decimal(0))
    credit = sum((Decimal(a["credit"]) for a in trial_balance["accounts"]), Decimal(0))
    return (Decimal(trial_balance["total_debit"]) == Decimal(trial_balance["total_credit"])
            == debit == credit)


def money_expected(requests: Sequence[Request]) -> Decimal:
    return external_total(list(requests))
