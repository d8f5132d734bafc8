"""The `seed` command: record a synthetic federation, with progress and a throughput line."""

from __future__ import annotations

import argparse
from typing import Any

from union_ledger.progress import ProgressBar
from union_ledger.settings import Settings
from union_ledger.simulation import GROUPS_MAX, WEEKS_MAX, seed

EXIT_OK = 0
SEED_MAX = 2**63 - 1


def register(subcommands: Any) -> None:
    """Add the `seed` command to the `union-ledger` parser."""
    command = subcommands.add_parser(
        "seed",
        help="record a synthetic federation of groups and their weekly meetings",
        description="Record one union with GROUPS groups of 20-30 members and WEEKS weekly "
        "meetings each, the last ones today, through the normal command handlers: shares, "
        "social fund, loans, repayments, fines, write-offs, share-outs every 52 weeks, "
        "subscriptions, SAR and SYE. The same --seed records the same history. Progress "
        "goes to stderr, the summary to stdout.",
    )
    command.add_argument("--groups", type=_groups, required=True,
                         help=f"number of groups, 1 to {GROUPS_MAX}")
    command.add_argument("--weeks", type=_weeks, required=True,
                         help=f"weekly meetings per group, 1 to {WEEKS_MAX}")
    command.add_argument("--seed", type=_seed_number, default=1,
                         help="random seed: the same seed records the same history "
                         "(default: %(default)s)")
    command.set_defaults(command=_seed)


def _seed(arguments: argparse.Namespace, settings: Settings) -> int:
    bar = ProgressBar("weeks")
    summary = seed(settings, arguments.groups, arguments.weeks, arguments.seed, bar)
    elapsed_s = bar.elapsed_s
    rate = summary.events_recorded / elapsed_s if elapsed_s > 0 else 0.0
    line = bar.finish(
        f"seed: union {summary.union_id}: {len(summary.group_ids)} groups, "
        f"{summary.meetings} meetings, {summary.loans} loans, {summary.write_offs} written "
        f"off, {summary.share_outs} share-outs; {summary.events_recorded} events"
    )
    print(f"{line} ({rate:.0f} events/s)")
    return EXIT_OK


def _bounded_int(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
    return value


def _groups(text: str) -> int:
    return _bounded_int(text, 1, GROUPS_MAX)


def _weeks(text: str) -> int:
    return _bounded_int(text, 1, WEEKS_MAX)


def _seed_number(text: str) -> int:
    return _bounded_int(text, 0, SEED_MAX)
