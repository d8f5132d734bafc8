"""Audit commands: verify the chains, sign checkpoints, export and import the log."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from union_ledger.audit import verify
from union_ledger.bootstrap import build_application
from union_ledger.checkpoints import check_against, make_checkpoint
from union_ledger.exchange import import_lines, write_export
from union_ledger.progress import ProgressBar
from union_ledger.readside import build_projector, build_read_store
from union_ledger.settings import Settings

EXIT_OK, EXIT_BROKEN, EXIT_USAGE = 0, 1, 2


def register(subcommands: Any) -> None:
    """Add the audit commands to the `union-ledger` parser."""
    verify_cmd = subcommands.add_parser(
        "verify", help="recompute every hash chain (exit 1 when broken)",
        description="Recompute every event's chain hash; with --checkpoint, also check that "
        "every head pinned by a signed checkpoint is still there.")
    verify_cmd.add_argument("--checkpoint", type=Path, help="a checkpoint file to check against")
    verify_cmd.set_defaults(command=_verify)
    checkpoint = subcommands.add_parser(
        "checkpoint", help="write a signed digest of every aggregate's head",
        description="Verify the log, then write an HMAC-signed checkpoint (key: "
        "UNION_LEDGER_CHECKPOINT_KEY) to --output or UNION_LEDGER_CHECKPOINT_DIR.")
    checkpoint.add_argument("--output", type=Path, help="file to write (default: a new file "
                            "in the checkpoint directory)")
    checkpoint.set_defaults(command=_checkpoint)
    export = subcommands.add_parser(
        "export", help="write the log (or one union's) as JSON Lines",
        description="Write every stored event, in log order, as JSON Lines with its hash.")
    export.add_argument("--union", type=UUID, help="only this union's union and group events")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    export.set_defaults(command=_export)
    import_cmd = subcommands.add_parser(
        "import", help="load an export into an empty store and rebuild the read models",
        description="Write exported events, in order, into an EMPTY store; then verify the "
        "chains and rebuild every read model.")
    import_cmd.add_argument("file", type=Path, help="a file written by `union-ledger export`")
    import_cmd.set_defaults(command=_import)


def _verify(arguments: argparse.Namespace, settings: Settings) -> int:
    app = build_application(settings)
    try:
        bar = ProgressBar("verify")
        report = verify(app, bar)
        print(bar.finish(f"verify: {report.events_checked} events checked, "
                         f"{'ok' if report.ok else 'BROKEN'}"), file=sys.stderr)
        result: dict[str, Any] = {
            "ok": report.ok, "events_checked": report.events_checked,
            "first_broken": None if report.first_broken is None else {
                "aggregate_id": str(report.first_broken.aggregate_id),
                "version": report.first_broken.version, "reason": report.first_broken.reason},
        }
        if arguments.checkpoint is not None:
            key = _key(settings)
            if key is None:
                return EXIT_USAGE
            problems = check_against(app, json.loads(arguments.checkpoint.read_text()), key)
            result["checkpoint_problems"] = [vars(p) for p in problems]
            result["ok"] = report.ok and not problems
        print(json.dumps(result, indent=2))
        return EXIT_OK if result["ok"] else EXIT_BROKEN
    finally:
        app.close()


def _key(settings: Settings) -> bytes | None:
    if settings.checkpoint_key is None:
        print("union-ledger: set UNION_LEDGER_CHECKPOINT_KEY (kept outside the database)",
              file=sys.stderr)
        return None
    return settings.checkpoint_key.get_secret_value().encode()


def _checkpoint(arguments: argparse.Namespace, settings: Settings) -> int:
    key = _key(settings)
    if key is None:
        return EXIT_USAGE
    app = build_application(settings)
    try:
        checkpoint = make_checkpoint(app, key)
    finally:
        app.close()
    output: Path = arguments.output or settings.checkpoint_dir / (
        datetime.now(UTC).strftime("checkpoint-%Y%m%dT%H%M%SZ.json"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(checkpoint, indent=2, sort_keys=True))
    print(f"checkpoint: {len(checkpoint['heads'])} aggregates up to position "
          f"{checkpoint['position']} signed into {output}", file=sys.stderr)
    return EXIT_OK


def _export(arguments: argparse.Namespace, settings: Settings) -> int:
    app = build_application(settings)
    bar = ProgressBar("export")
    try:
        if arguments.output is None:
            summary = write_export(app, sys.stdout, arguments.union, bar)
        else:
            with arguments.output.open("w", encoding="utf-8") as out:
                summary = write_export(app, out, arguments.union, bar)
    finally:
        app.close()
    print(bar.finish(f"export: {summary.events} events of {summary.aggregates} aggregates"),
          file=sys.stderr)
    return EXIT_OK


def _import(arguments: argparse.Namespace, settings: Settings) -> int:
    app = build_application(settings)
    bar = ProgressBar("import")
    try:
        with arguments.file.open(encoding="utf-8") as lines:
            summary = import_lines(app, lines, bar)
        report = verify(app)
        store = build_read_store(settings)
        try:
            build_projector(app, store).rebuild(ProgressBar("rebuild"))
        finally:
            store.close()
    finally:
        app.close()
    print(bar.finish(f"import: {summary.events} events of {summary.aggregates} aggregates, "
                     f"chains {'ok' if report.ok else 'BROKEN'}, read models rebuilt"),
          file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_BROKEN
