"""HTTP clients of the bank test: retries with the same Idempotency-Key and request id.

A request is retried on a transport error (refused or reset connection, timeout) and on
any 5xx, each attempt going to the next API process, so a killed process is routed
around. A 2xx or 4xx is an acknowledgement and is never retried. Every loop is bounded.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from tests.reliability.bank_requests import Request
from tests.reliability.bank_world import Plan, World, choose, reused_key

ATTEMPTS_MAX = 40
BACKOFF_S = 0.05
BACKOFF_MAX_S = 0.5
TIMEOUT = httpx.Timeout(20.0, connect=2.0)
REUSED_KEY_SHARE = 0.02


@dataclass
class RequestLog:
    """Every request of every client, numbered in the order they were made."""

    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    numbers: itertools.count[int] = field(default_factory=itertools.count)

    def new(self, plan: Plan, idempotency_key: str | None = None) -> Request:
        number = next(self.numbers)
        request = Request(
            number=number, kind=plan.kind, method=plan.method, path=plan.path,
            body=plan.body, idempotency_key=idempotency_key or f"bank-{uuid.uuid4().hex}",
            request_id=f"bank-{number}-{uuid.uuid4().hex[:12]}",
            refusal_codes=plan.refusal_codes)
        with self.lock:
            self.requests.append(request)
        return request

    def snapshot(self) -> list[Request]:
        with self.lock:
            return list(self.requests)


class Sender:
    """Sends one request until it is acknowledged, or the attempts run out."""

    def __init__(
        self, http: httpx.Client, urls: Sequence[str], headers: dict[str, str], offset: int
    ) -> None:
        self.http = http
        self.urls = list(urls)
        self.headers = headers
        self.offset = offset

    def send(self, request: Request, attempts_max: int = ATTEMPTS_MAX) -> None:
        content = json.dumps(request.body).encode()
        headers = {**self.headers, "Content-Type": "application/json",
                   "Idempotency-Key": request.idempotency_key,
                   "X-Request-Id": request.request_id}
        for attempt in range(attempts_max):
            url = self.urls[(self.offset + request.attempts) % len(self.urls)] + request.path
            request.attempts += 1
            try:
                response = self.http.request(request.method, url, content=content,
                                             headers=headers)
            except httpx.TransportError as error:
                request.failures.append(type(error).__name__)
            else:
                if response.status_code < 500:
                    request.status = response.status_code
                    request.answer = response.json()
                    return
                request.failures.append(f"HTTP {response.status_code}")
            time.sleep(min(BACKOFF_S * 2**attempt, BACKOFF_MAX_S))


@dataclass(frozen=True)
class Keys:
    """The accountant records; the relief officer pays relief."""

    accountant: dict[str, str]
    relief_officer: dict[str, str]

    def secrets(self) -> list[str]:
        return [headers["Authorization"].removeprefix("Bearer ")
                for headers in (self.accountant, self.relief_officer)]

    def for_request(self, request: Request) -> dict[str, str]:
        # A reused Idempotency-Key is only reused under the key that first used it.
        return self.relief_officer if request.path.endswith("/payouts") else self.accountant


def client_loop(
    index: int, world: World, urls: Sequence[str], keys: Keys, log: RequestLog,
    stop: threading.Event, seed: int,
) -> None:
    """One client: random requests until `stop`, each sent until acknowledged."""
    rng = random.Random(seed * 1000 + index)
    last_booked: Request | None = None
    with httpx.Client(timeout=TIMEOUT) as http:
        while not stop.is_set():
            reuse = reused_key(last_booked) if last_booked is not None else None
            if reuse is not None and rng.random() < REUSED_KEY_SHARE:
                request = log.new(*reuse)
            else:
                request = log.new(choose(world, rng))
            Sender(http, urls, keys.for_request(request), offset=index).send(request)
            if request.booked and not request.invalid:
                world.note(request)
                last_booked = request


def resolve(requests: Sequence[Request], urls: Sequence[str], keys: Keys) -> int:
    """After the run, send every unacknowledged request again (same key, same id) until
    answered, as a client that lost its answers would; returns how many it resolved."""
    resolved = 0
    with httpx.Client(timeout=TIMEOUT) as http:
        for request in requests:
            if request.acknowledged:
                continue
            Sender(http, urls, keys.for_request(request), offset=0).send(request)
            if request.acknowledged:
                request.resolved_late = True
                resolved += 1
    return resolved
