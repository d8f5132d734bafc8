"""Read-side commands: `project` (the projection worker), `rebuild`, and `migrate` (set-up)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from union_ledger.collector import freeze_after_full_collections
from union_ledger.progress import ProgressBar
from union_ledger.readside import build_wake
from union_ledger.runtime import Runtime, start_runtime
from union_ledger.settings import Settings

EXIT_OK, EXIT_USAGE = 0, 2
LAG_INTERVAL_DEFAULT_S = 10.0
LAG_INTERVAL_RANGE_S = (0.1, 3600.0)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

log = logging.getLogger("union_ledger.project")


def register(subcommands: Any) -> None:
    """Add the read-side commands to the `union-ledger` parser."""
    project = subcommands.add_parser(
        "project", help="run the projection worker (PostgreSQL) until SIGINT or SIGTERM",
        description="Follow the event log and keep every read model up to date, exactly "
        "once, until interrupted (SIGINT or SIGTERM: the batch in progress commits or rolls "
        "back whole). With PostgreSQL it wakes on the event store's notifications and polls "
        "as a fallback; run one worker beside the API processes, which only read. It logs "
        "its position and lag (events still to apply) on stderr.")
    project.add_argument(
        "--lag-interval", type=_interval, default=LAG_INTERVAL_DEFAULT_S, metavar="SECONDS",
        help="seconds between lag log lines (default: %(default)s)")
    project.set_defaults(command=_project)
    rebuild = subcommands.add_parser(
        "rebuild", help="drop every read model and rebuild it from the event log",
        description="Drop every read-model table and rebuild it from the whole event log, "
        "with a progress bar on stderr and a summary (events, seconds, events/s). Readers "
        "see empty tables meanwhile: stop the projection worker (and the API) first.")
    rebuild.set_defaults(command=_rebuild)
    migrate = subcommands.add_parser(
        "migrate", help="create the schema, event tables and read-model tables, then exit",
        description="Prepare a database for the API and the projection worker: the "
        "PostgreSQL schema (if UNION_LEDGER_POSTGRES_SCHEMA is set), the event and snapshot "
        "tables, and the read-model tables. Safe to run again: it creates only what is "
        "missing. Exit 0 when the database is ready.")
    migrate.set_defaults(command=_migrate)


def _migrate(arguments: argparse.Namespace, settings: Settings) -> int:
    runtime = start_runtime(settings, background_projection=False)
    try:
        print(f"migrate: {settings.persistence} store ready at log position "
              f"{runtime.app.position()}; read models at {runtime.projector.position()}")
    finally:
        runtime.close()
    return EXIT_OK


def _project(arguments: argparse.Namespace, settings: Settings) -> int:
    if settings.persistence == "memory":
        print("union-ledger: `project` needs a shared store (sqlite or postgres); an "
              "in-memory store lives only inside one process", file=sys.stderr)
        return EXIT_USAGE
    _log_to_stderr()
    freeze_after_full_collections()  # the projector's cached aggregates: see collector.py
    stop = threading.Event()
    runtime = start_runtime(settings, background_projection=False)
    try:
        with _stopping_on_signals(stop):
            follow(runtime, stop, arguments.lag_interval)
    finally:
        runtime.close()
    return EXIT_OK


def follow(runtime: Runtime, stop: threading.Event, lag_interval_s: float) -> None:
    """Project in the background until `stop` is set, logging the lag every interval."""
    projector = runtime.projector
    runtime.wake = build_wake(runtime.app, runtime.store)
    projector.start(runtime.wake)
    mode = "LISTEN/NOTIFY" if runtime.wake is not None else "polling"
    log.info("projecting, woken by %s", mode)
    _log_lag(runtime)
    while not stop.wait(lag_interval_s):
        _log_lag(runtime)
    projector.stop()
    log.info("stopped at position %d", projector.position())


def _log_lag(runtime: Runtime) -> None:
    try:
        position, lag = runtime.projector.position(), runtime.projector.lag_events()
    except Exception as error:  # a database restart: the worker keeps going, says so
        log.warning("cannot read the position: %s", error)
        return
    log.info("position %d, lag %d events%s", position, lag,
             "" if runtime.projector.running else " (projector thread stopped)")


def _rebuild(arguments: argparse.Namespace, settings: Settings) -> int:
    if settings.persistence == "memory":
        print("union-ledger: nothing to rebuild: an in-memory store starts empty",
              file=sys.stderr)
        return EXIT_USAGE
    freeze_after_full_collections()  # the projector's cached aggregates: see collector.py
    runtime = start_runtime(settings, background_projection=False)
    try:
        bar = ProgressBar("rebuild", sys.stderr)
        events = runtime.projector.rebuild(bar)
        rate = events / bar.elapsed_s if bar.elapsed_s > 0 else 0.0
        summary = bar.finish(f"rebuilt every read model: {events} events")
        print(f"{summary} ({rate:.0f} events/s)")
    finally:
        runtime.close()
    return EXIT_OK


@contextmanager
def _stopping_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` (the worker then finishes cleanly) while inside."""

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("received %s; stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _log_to_stderr() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    low, high = LAG_INTERVAL_RANGE_S
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high} seconds")
    return value
