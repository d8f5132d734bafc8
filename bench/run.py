"""One bench run: each log size seeded, projected, read and written, against the raw limit.

The machine may be shared, so PostgreSQL's raw rate is measured right before and right
after each ingest figure, in the same database, and the figure's ratio is to their mean:
a ratio then compares two rates taken under the same conditions.
"""

from __future__ import annotations

import math
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from bench import aggregate_load, raw
from bench.http_load import LoadResult, Request, api_server, run_load
from bench.report import Figure, Report, machine
from bench.seeding import BulkLedger, seed_union
from bench.workloads import (
    MEETING_EVENTS,
    GroupPlan,
    balance_reads,
    entitlement_reads,
    meetings,
    plan_of,
    share_purchases,
    warm_up_writes,
)
from domain.api_keys import secret_hash
from domain.ledger import Meta
from union_ledger.collector import freeze_after_full_collections
from union_ledger.runtime import start_runtime
from union_ledger.settings import Settings, eventsourcing_env, load_settings

BENCH_META = Meta(actor="bench", request_id="bench")
WARM_UP_REQUESTS = 4  # per client, before each measured read run
WARM_UP_ROUNDS = 3  # reads of every group before the read runs
WARM_UP_LANES = 2
WARM_UP_MISS_ODDS = 2**-6  # that a worker has not loaded a given group after the warm-up


@dataclass(frozen=True)
class Options:
    server: str  # libpq URL of a database where the bench may create databases
    sizes: tuple[tuple[str, int, int], ...]  # (name, groups, weeks)
    clients: int
    workers: int
    single_writes: int
    meeting_writes: int
    reads: int
    heavy_events: int
    phase_timeout_s: float
    seed: int
    output: Path
    keep: bool


@dataclass
class SizeContext:
    """A seeded log of one size and what the clients need to use it."""

    name: str
    settings: Settings
    union_id: UUID
    hazard_id: UUID
    token: str
    plans: list[GroupPlan]
    events: int


def run(options: Options, log: TextIO = sys.stderr) -> Report:
    say = _sayer(log)
    report = Report(machine(options.server), _jsonable(asdict(options)))
    for name, groups, weeks in options.sizes:
        with _database(options, name) as url:
            _measure_size(report, options, name, groups, weeks, url, say)
    with _database(options, "heavy") as url:
        say(f"aggregate load: one group of at least {options.heavy_events} events")
        report.sizes["heavy"] = {"label": f"one group, >= {options.heavy_events} events"}
        for figure in aggregate_load.measure(_settings(url), options.heavy_events,
                                             options.seed):
            report.add(figure)
    _judge(report, [name for name, _, _ in options.sizes])
    return report


@dataclass(frozen=True)
class RawProbe:
    """How to measure the raw rate a figure is compared with."""

    url: str
    kind: str  # "single" (1 row per transaction) or "batch" (100)
    rows: int
    clients: int

    def measure(self) -> float:
        per_transaction = 1 if self.kind == "single" else 100
        rate = raw.measure(self.url, self.rows, per_transaction, self.clients).rows_per_s
        raw.drop(self.url)
        return rate


def _bracketed(report: Report, figure_name: str, size: str, probe: RawProbe,
               phase: Callable[[], Figure]) -> Figure:
    """Run `phase` between two raw measurements; its ratio is to their mean."""
    before = probe.measure()
    figure = phase()
    after = probe.measure()
    reference = (before + after) / 2
    report.raw[f"{size} {figure_name}: {probe.kind}, before"] = before
    report.raw[f"{size} {figure_name}: {probe.kind}, after"] = after
    figure.ratio = figure.value / reference if reference > 0 else None
    figure.detail += f"; raw {probe.kind} {before:,.0f} / {after:,.0f} rows/s before / after"
    return report.add(figure)


def _measure_size(report: Report, options: Options, name: str, groups: int, weeks: int,
                  url: str, say: Callable[[str], None]) -> None:
    settings = _settings(url)
    say(f"[{name}] seeding {groups} groups x {weeks} weeks")
    began = time.perf_counter()
    context = _seed(settings, name, groups, weeks, options.seed)
    seconds = time.perf_counter() - began
    report.sizes[name] = {"label": f"{groups} groups x {weeks} weeks", "groups": groups,
                          "weeks": weeks, "events": context.events,
                          "seed_events_per_s": round(context.events / seconds, 1)}
    say(f"[{name}] {context.events} events seeded in {seconds:.0f} s; projecting")
    batch_probe = RawProbe(url, "batch", options.meeting_writes * MEETING_EVENTS,
                           options.clients)
    _project(report, name, settings, batch_probe, say)
    # Each worker's aggregate cache holds every group (and the union, the key): a cache
    # smaller than the groups a worker serves in turn would miss every time.
    cache_size = str(max(1000, 2 * groups + 100))
    env = {"UNION_LEDGER_PERSISTENCE": "postgres", "UNION_LEDGER_POSTGRES_URL": url,
           "UNION_LEDGER_ENVIRONMENT": "production", "AGGREGATE_CACHE_MAXSIZE": cache_size}
    report.sizes[name]["aggregate_cache_maxsize"] = int(cache_size)
    log_path = options.output.parent / f"bench-server-{name}.log"
    with api_server(env, options.workers, log_path) as server:
        _reads(report, options, context, server.port, say)
        _writes(report, options, context, server.port, url, say)
        rss = server.rss_mib()
        report.sizes[name]["api_rss_mib"] = round(rss, 1)
        report.add(Figure("API processes' memory", name, rss, "MiB",
                          detail=f"{options.workers} workers and their supervisor, after "
                          "the runs"))


def _seed(settings: Settings, name: str, groups: int, weeks: int, seed: int) -> SizeContext:
    app = BulkLedger(eventsourcing_env(settings), snapshot_interval=settings.snapshot_interval)
    try:
        today = app.today()
        log = seed_union(app, groups=groups, weeks=weeks, seed=seed, end_on=today,
                         code=name.upper()[:8])
        token = "ul_bench_" + secrets.token_urlsafe(24)
        app.issue_api_key(role="accountant", union_id=log.summary.union_id,
                          label="bench accountant", secret_hash=secret_hash(token),
                          meta=BENCH_META)
        app.flush()
        plans = [plan for plan in (plan_of(app.load_group(g), today)
                                   for g in log.summary.group_ids) if plan is not None]
        return SizeContext(name, settings, log.summary.union_id, log.hazard_id, token, plans,
                           app.position())
    finally:
        app.close()


def _project(report: Report, name: str, settings: Settings, probe: RawProbe,
             say: Callable[[str], None]) -> None:
    """Catch-up from a cold start (a new process: empty caches, empty read models), then a
    full rebuild, both in this process as `union-ledger project` / `rebuild` would (with
    their garbage collection: the survivors of each full collection frozen)."""
    freeze_after_full_collections()
    runtime = start_runtime(settings, background_projection=False)
    try:
        def timed(label: str, work: Callable[[], int]) -> Callable[[], Figure]:
            def phase() -> Figure:
                began = time.perf_counter()
                applied = work()
                seconds = time.perf_counter() - began
                return Figure(label, name, applied / seconds, "events/s",
                              detail=f"{applied} events in {seconds:.1f} s")
            return phase

        for label, work in (("catch-up", runtime.projector.catch_up),
                            ("rebuild", runtime.projector.rebuild)):
            figure = _bracketed(report, label, name, probe, timed(label, work))
            say(f"[{name}] {label} {figure.value:,.0f} events/s ({figure.ratio or 0:.2f}x raw)")
    finally:
        runtime.close()


def _reads(report: Report, options: Options, context: SizeContext, port: int,
           say: Callable[[str], None]) -> None:
    runs = {
        "GET balances": balance_reads(context.plans, options.clients, options.reads,
                                      options.seed),
        "GET entitlements": entitlement_reads(context.union_id, context.hazard_id,
                                              options.clients, options.reads),
    }
    # A long-running API process has its groups cached: every group is read a few times
    # first (by either worker), so the figures are the steady state, not the first reads.
    every_group = [Request("GET", f"/v1/groups/{plan.group_id}/balances")
                   for plan in context.plans] * WARM_UP_ROUNDS
    # Two lanes: loading every group from its snapshot is heavy, and does not need to
    # pile up eight requests deep on two cores.
    run_load(port, context.token, [every_group[lane::WARM_UP_LANES]
                                   for lane in range(WARM_UP_LANES)], options.phase_timeout_s)
    for label, lanes in runs.items():
        warm_up = [lane[:WARM_UP_REQUESTS] for lane in lanes]
        run_load(port, context.token, warm_up, options.phase_timeout_s)
        result = run_load(port, context.token, lanes, options.phase_timeout_s)
        if not _read_figures(report, context.name, label, result):
            say(f"[{context.name}] {label}: not measured ({result.failed} requests failed)")
            continue
        say(f"[{context.name}] {label}: p50 {result.percentile_ms(0.5):.1f} ms, "
            f"p99 {result.percentile_ms(0.99):.1f} ms")


def _read_figures(report: Report, size: str, label: str, result: LoadResult) -> bool:
    """A read run's p50 and p99, recorded only when every request succeeded: latencies of
    a run with failures (or none at all, the server gone) would pass for fast answers.
    A figure not recorded is judged a MISS."""
    if not _check(result, label) or not result.requests:
        return False
    for fraction, suffix in ((0.5, "p50"), (0.99, "p99")):
        report.add(Figure(f"{label} {suffix}", size, result.percentile_ms(fraction), "ms",
                          detail=f"{result.requests} requests"))
    return True


def _writes(report: Report, options: Options, context: SizeContext, port: int, url: str,
            say: Callable[[str], None]) -> None:
    # Every worker loads every group first (a new connection per request spreads them
    # over the workers: each worker has WARM_UP_MISS_ODDS to miss a given group).
    warm_up = warm_up_writes(context.plans, warm_up_writes_per_group(options.workers))
    began = time.perf_counter()
    result = run_load(port, context.token, [warm_up[lane::options.clients]
                                            for lane in range(options.clients)],
                      options.phase_timeout_s * 4, reconnect=True)
    _check(result, "warm-up writes")
    say(f"[{context.name}] warm-up: {result.requests} writes in "
        f"{time.perf_counter() - began:.0f} s")
    runs = (
        ("single-event writes", share_purchases(context.plans, options.clients,
                                                options.single_writes),
         RawProbe(url, "single", options.single_writes, options.clients)),
        ("meeting-batch writes", meetings(context.plans, options.clients,
                                          options.meeting_writes),
         RawProbe(url, "batch", options.meeting_writes * MEETING_EVENTS, options.clients)),
    )
    for label, lanes, probe in runs:
        def phase(label: str = label, lanes: list[list[Request]] = lanes) -> Figure:
            result = run_load(port, context.token, lanes, options.phase_timeout_s)
            _check(result, label)
            rate = result.events / result.seconds if result.seconds > 0 else 0.0
            return Figure(label, context.name, rate, "events/s",
                          detail=f"{result.requests} requests, p50 "
                          f"{result.percentile_ms(0.5):.0f} ms, p99 "
                          f"{result.percentile_ms(0.99):.0f} ms, statuses {result.statuses}, "
                          f"unanswered {result.unanswered}")

        figure = _bracketed(report, label, context.name, probe, phase)
        say(f"[{context.name}] {label}: {figure.value:,.0f} events/s "
            f"({figure.ratio or 0:.2f}x raw)")


def warm_up_writes_per_group(workers: int) -> int:
    """Writes per group, each on a new connection (a worker picked at random), so that a
    worker misses a given group with odds of at most WARM_UP_MISS_ODDS."""
    if workers <= 1:
        return 1
    return math.ceil(math.log(WARM_UP_MISS_ODDS) / math.log(1 - 1 / workers))


def _check(result: LoadResult, label: str) -> bool:
    """True when every request of the run succeeded; otherwise says how many failed."""
    if result.failed:
        print(f"bench: {label}: {result.failed} requests failed: {result.errors[:3]}",
              file=sys.stderr)
    return not result.failed


def _judge(report: Report, sizes: list[str]) -> None:
    rules = (("single-event writes", 0.8), ("meeting-batch writes", 0.3),
             ("catch-up", 0.25), ("rebuild", 0.25))
    for size in sizes:
        for name, share in rules:
            figure = report.value(name, size)
            report.judge(f"{name} [{size}]", f">= {share} x raw", figure.ratio if figure else None,
                         share, at_least=True)
        for read in ("GET balances p99", "GET entitlements p99"):
            figure = report.value(read, size)
            report.judge(f"{read} [{size}]", "<= 20 ms", figure.value if figure else None, 20.0,
                         at_least=False)
    if len(sizes) > 1:
        for read in ("GET balances p99", "GET entitlements p99"):
            first, last = report.value(read, sizes[0]), report.value(read, sizes[-1])
            growth = last.value / first.value if first and last and first.value else None
            report.judge(f"{read} growth {sizes[0]}->{sizes[-1]}", "<= 1.5x", growth, 1.5,
                         at_least=False)
    for name in ("group load p99 (command path)", "group load p99 (cold, from snapshot)"):
        figure = report.value(name, "heavy")
        report.judge(name, "<= 5 ms", figure.value if figure else None, 5.0,
                     at_least=False)


def _settings(url: str) -> Settings:
    return load_settings(persistence="postgres", postgres_url=url, postgres_schema=None,
                         environment="production")


@contextmanager
def _database(options: Options, name: str) -> Iterator[str]:
    """A new database for one part of the run, dropped afterwards (unless --keep)."""
    parts = conninfo_to_dict(options.server)
    database = f"ul_bench_{name}_{secrets.token_hex(3)}"
    with psycopg.connect(options.server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    url = "postgresql://" + _url_authority(parts) + "/" + database
    try:
        yield url
    finally:
        if not options.keep:
            with psycopg.connect(options.server, autocommit=True) as connection:
                connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(database)))


def _url_authority(parts: dict[str, Any]) -> str:
    user = str(parts.get("user") or "")
    password = str(parts.get("password") or "")
    host = str(parts.get("host") or "127.0.0.1")
    port = str(parts.get("port") or "5432")
    credentials = user + (f":{password}" if password else "")
    return (credentials + "@" if credentials else "") + f"{host}:{port}"


def _sayer(log: TextIO) -> Callable[[str], None]:
    began = time.monotonic()

    def say(message: str) -> None:
        print(f"bench [{time.monotonic() - began:6.0f} s] {message}", file=log, flush=True)

    return say


def _jsonable(options: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in options.items()
            if k != "server"}
