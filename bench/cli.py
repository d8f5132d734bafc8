"""The `bench` command: measure the ledger against PostgreSQL's own limit (docs/PERFORMANCE.md)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

EXIT_OK = 0
SERVER_VARIABLE = "UNION_LEDGER_BENCH_POSTGRES"
SERVER_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
FULL = {"groups": 100, "weeks": 52, "large_groups": 1000, "large_weeks": 52,
        "single_writes": 3000, "meeting_writes": 400, "reads": 4000}
QUICK = {"groups": 100, "weeks": 4, "large_groups": 300, "large_weeks": 4,
         "single_writes": 1200, "meeting_writes": 160, "reads": 1600}
PHASE_TIMEOUT_S = 300.0


def register(subcommands: Any) -> None:
    """Add the `bench` command to the `union-ledger` parser."""
    command = subcommands.add_parser(
        "bench", help="measure write, projection and read speed against PostgreSQL's limit",
        description="Seed a synthetic federation at two log sizes in new PostgreSQL "
        f"databases (on the server of ${SERVER_VARIABLE}, default {SERVER_DEFAULT}; dropped "
        "afterwards), then measure: raw PostgreSQL inserts under the event table's lock, "
        "single-event and meeting-sheet writes over HTTP, projection catch-up and rebuild, "
        "balance and entitlement reads, and loading a group of 10,000 events. Prints a "
        "table with PASS/MISS per target and writes the figures as JSON. Without --quick "
        "the sizes are 100 and 1,000 groups of 52 weeks (about an hour on two cores).")
    command.add_argument("--quick", action="store_true",
                         help="small sizes: 100 and 300 groups of 4 weeks (a few minutes)")
    for name, help_text in (("groups", "groups in the small log"),
                            ("weeks", "weeks of meetings in the small log"),
                            ("large-groups", "groups in the large log (0: skip it)"),
                            ("large-weeks", "weeks of meetings in the large log"),
                            ("single-writes", "single-event write requests per size"),
                            ("meeting-writes", "meeting-sheet write requests per size"),
                            ("reads", "read requests per kind and size")):
        command.add_argument(f"--{name}", type=_count, default=None, help=help_text)
    command.add_argument("--clients", type=_count, default=8,
                         help="concurrent HTTP clients (default: %(default)s)")
    command.add_argument("--workers", type=_count, default=2,
                         help="API worker processes (default: %(default)s, one per core "
                         "on the reference machine)")
    command.add_argument("--heavy-events", type=_count, default=10_000,
                         help="events of the group whose load time is measured "
                         "(default: %(default)s)")
    command.add_argument("--seed", type=int, default=1, help="simulation seed")
    command.add_argument("--output", type=Path, default=Path("var/bench.json"),
                         help="where the JSON goes (default: %(default)s)")
    command.add_argument("--keep", action="store_true",
                         help="keep the bench databases (default: drop them)")
    command.set_defaults(command=_bench)


def _bench(arguments: argparse.Namespace, settings: object) -> int:
    from bench.report import table, write_json
    from bench.run import Options, run

    sizes = dict(QUICK if arguments.quick else FULL)
    for key in sizes:
        given = getattr(arguments, key)
        if given is not None:
            sizes[key] = given
    size_list = [("small", sizes["groups"], sizes["weeks"])]
    if sizes["large_groups"] > 0:
        size_list.append(("large", sizes["large_groups"], sizes["large_weeks"]))
    options = Options(
        server=os.environ.get(SERVER_VARIABLE, SERVER_DEFAULT), sizes=tuple(size_list),
        clients=arguments.clients, workers=arguments.workers,
        single_writes=sizes["single_writes"], meeting_writes=sizes["meeting_writes"],
        reads=sizes["reads"], heavy_events=arguments.heavy_events,
        phase_timeout_s=PHASE_TIMEOUT_S, seed=arguments.seed, output=arguments.output,
        keep=arguments.keep,
    )
    report = run(options)
    write_json(report, arguments.output)
    print(table(report))
    print(f"\nfigures written to {arguments.output}")
    return EXIT_OK


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError(f"{value} is out of range")
    return value
