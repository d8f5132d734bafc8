"""Jepsen-style bank test: real processes, real PostgreSQL, kill -9 mid-run, money conserved.

Two API processes and one projection worker run against a fresh PostgreSQL schema.
Sixteen client threads send random group operations and group ↔ union transfers, valid
and invalid, for RELIABILITY_BANK_SECONDS; each retries timeouts, connection errors and
5xx with the same Idempotency-Key and X-Request-Id, on the other API process. Midway (and
RELIABILITY_BANK_KILLS times in all) one API process and the worker are killed with
SIGKILL and started again. At the end, with the log read back by request id:

- every acknowledged booking is in the store exactly once (its events, its idempotency
  record and the event ids it answered); nothing refused was booked; nothing invalid was
  accepted; no request was booked twice, acknowledged or not;
- every trial balance balances, and the money inside the federation (groups' boxes and
  the union's cash) equals what crossed its edge in the booked requests
  (tests/reliability/bank_requests.py says which operations are external);
- every hash chain verifies, and the worker's read models equal a clean rebuild.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from projections.store import ReadStore
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
    postgres_read_store,
)
from tests.reliability import budget
from tests.reliability.bank_checks import (
    Books,
    Verdict,
    index_store,
    judge,
    money_expected,
    read_books,
    wait_caught_up,
)
from tests.reliability.bank_client import Keys, RequestLog, client_loop, resolve
from tests.reliability.bank_requests import Request
from tests.reliability.bank_setup import set_up
from tests.reliability.bank_world import World
from tests.reliability.processes import (
    PROJECTING,
    Service,
    Services,
    base_url,
    ledger_env,
    services,
)
from tests.support.persistence import create_schema, drop_schema
from union_ledger.application import LedgerApplication
from union_ledger.audit import verify
from union_ledger.bootstrap import build_application
from union_ledger.settings import eventsourcing_env, load_settings

CLIENTS = 16
ADMIN_KEY = "bank-test-admin-key-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
RESTART_PAUSE_S = 0.3
AFTER_LAST_RESTART_S = 1.0  # the restarted processes serve for at least this long
JOIN_TIMEOUT_S = 120.0
SEED = 20261122


@dataclass
class Cluster:
    apis: list[Service]
    worker: Service
    processes: Services

    @property
    def urls(self) -> list[str]:
        return [base_url(api) for api in self.apis]


@pytest.fixture
def cluster(postgres_database: str, tmp_path: Path) -> Iterator[tuple[Cluster, str]]:
    """Two API processes and the projection worker on a fresh schema; all reaped after."""
    schema = create_schema(postgres_database)
    try:
        with services(tmp_path, ledger_env(postgres_database, schema, ADMIN_KEY)) as found:
            apis = [found.api("api-1"), found.api("api-2")]
            worker = found.projector()
            for service in (*apis, worker):
                service.start()
            for service in (*apis, worker):
                service.wait_healthy()
            worker.wait_for_output(PROJECTING)
            yield Cluster(apis, worker, found), schema
    finally:
        drop_schema(postgres_database, schema)


def kill_and_restart(cluster: Cluster, duration_s: float, kills: int) -> None:
    """Evenly over the run: kill -9 one API process (in turn) and the worker, restart both."""
    started = time.monotonic()
    for round_number in range(kills):
        _sleep_until(started + duration_s * (round_number + 1) / (kills + 1))
        victim = cluster.apis[round_number % len(cluster.apis)]
        victim.kill()
        cluster.worker.kill()
        time.sleep(RESTART_PAUSE_S)
        victim.start()
        cluster.worker.start()
        victim.wait_healthy()
        cluster.worker.wait_for_output(PROJECTING)
    _sleep_until(max(started + duration_s, time.monotonic() + AFTER_LAST_RESTART_S))


def _sleep_until(moment: float) -> None:
    time.sleep(max(moment - time.monotonic(), 0.0))


def run_clients(cluster: Cluster, log: RequestLog, world: World, keys: Keys) -> None:
    stop = threading.Event()
    threads = [threading.Thread(target=client_loop, name=f"client-{index}",
                                args=(index, world, cluster.urls, keys, log, stop, SEED))
               for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        kill_and_restart(cluster, budget.BANK_SECONDS, budget.BANK_KILLS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(JOIN_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "a client did not stop"


def figures(requests: list[Request], cluster: Cluster, verdict: Verdict, resolved: int) -> str:
    attempts = sum(r.attempts for r in requests)
    failures = Counter(f for r in requests for f in r.failures)
    api_kills = sum(api.kills for api in cluster.apis)
    return (
        f"bank: {len(requests)} requests, {attempts - len(requests)} retries "
        f"({dict(failures)}), kills: {api_kills} API + {cluster.worker.kills} worker; "
        f"{sum(r.acknowledged for r in requests)} acknowledged "
        f"({sum(r.booked for r in requests)} booked, {sum(r.refused for r in requests)} "
        f"refused, {resolved} only after the run); lost {len(verdict.lost)}, doubled "
        f"{len(verdict.doubled)}, partial {len(verdict.partial)}, phantom "
        f"{len(verdict.phantom)}, invalid accepted {len(verdict.accepted_invalid)}, answered 5xx "
        f"{len(verdict.server_errors)}")


def unhandled_errors(output: str) -> list[str]:
    """Each unexpected error an API process logged (it names the request id), with the
    exception that ended its traceback."""
    lines = output.splitlines()
    found = []
    for index, line in enumerate(lines):
        if line.startswith("unhandled error"):
            cause = next((later for later in lines[index + 1:] if later[:1].isalpha()
                          and "Error" in later), "")
            found.append(f"{line} -> {cause}")
    return found


@pytest.mark.postgres
def test_bank(
    cluster: tuple[Cluster, str], postgres_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    running, schema = cluster
    log = RequestLog()
    world, accountant, relief = set_up(running.urls, ADMIN, log, date.today())
    keys = Keys(accountant, relief)
    run_clients(running, log, world, keys)
    requests = log.snapshot()
    resolved = resolve(requests, running.urls, keys)
    settings = load_settings(persistence="postgres", postgres_url=postgres_database,
                             postgres_schema=schema)
    app = build_application(settings)
    store = postgres_read_store(eventsourcing_env(settings))
    try:
        verdict = judge(requests, index_store(app))
        with capsys.disabled():
            print("\n" + figures(requests, running, verdict, resolved))
        assert verdict.clean, verdict
        assert sum(r.booked for r in requests) > CLIENTS, "too little was booked to judge"
        books = check_books_and_read_models(running, app, store, world, requests)
        with capsys.disabled():
            print(f"bank: money inside {books.cash_inside} = in - out over the bookings; "
                  f"{len(world.groups) + 1} trial balances balanced; read models = a rebuild")
        output = running.processes.logs()
        for secret in (ADMIN_KEY, *keys.secrets()):
            assert secret not in output  # no process ever wrote a key
        # Last, so a run with them still proves everything above.
        assert verdict.server_errors == [], unhandled_errors(output)
    finally:
        store.close()
        app.close()


def check_books_and_read_models(
    cluster: Cluster, app: LedgerApplication, store: ReadStore, world: World,
    requests: list[Request],
) -> Books:
    position = wait_caught_up(app, store)
    books = read_books(cluster.urls[0], ADMIN, world, position)
    assert books.unbalanced == ()
    assert books.cash_inside == money_expected(requests)
    assert verify(app).ok
    assert cluster.worker.stop() == 0  # SIGTERM: the worker stops cleanly
    assert_same_read_models(dump_read_models(store), dump_read_models(fresh_projection(app)))
    return books
