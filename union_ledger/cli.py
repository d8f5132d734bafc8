"""The `union-ledger` command line: serve the API, load demo or synthetic data."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from pydantic import ValidationError

from bench import cli as cli_bench
from domain.errors import DomainError
from union_ledger import cli_audit, cli_readside, cli_seed
from union_ledger.progress import ProgressBar
from union_ledger.settings import Settings, load_settings

EXIT_OK = 0
EXIT_REFUSED = 1  # a domain rule refused the command; nothing was recorded
EXIT_USAGE = 2  # bad arguments or configuration

APP_FACTORY = "union_ledger.serving:create_served_app"
WORKERS_MAX = 64
WORKER_HEALTHCHECK_TIMEOUT_S = 30
# uvloop where it is installed (every platform but Windows); asyncio's own loop elsewhere.
SERVER_LOOP = "auto"


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the process exit code."""
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:  # --help (0) or a usage error (2)
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    command: Callable[[argparse.Namespace, Settings], int] | None = getattr(
        arguments, "command", None
    )
    if command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        settings = load_settings()
    except ValidationError as error:
        print(f"union-ledger: invalid configuration: {_describe(error)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return command(arguments, settings)
    except DomainError as error:
        print(f"union-ledger: refused ({error.code}): {error.message}", file=sys.stderr)
        return EXIT_REFUSED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="union-ledger",
        description="Event-sourced accounting for unions of community savings groups. "
        "Configured by UNION_LEDGER_* environment variables (see README).",
    )
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = subcommands.add_parser(
        "serve",
        help="run the HTTP API",
        description="Run the HTTP API with uvicorn, using the configured persistence.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    serve.add_argument(
        "--port", type=_port, default=8000, help="TCP port to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help=f"worker processes, 1 to {WORKERS_MAX} (default: %(default)s)",
    )
    serve.set_defaults(command=_serve)

    demo = subcommands.add_parser(
        "demo",
        help="load the demonstration union, groups and meetings",
        description="Record a demonstration union (five groups, a year of weekly meetings, "
        "loans, a share-out, a flood and its relief) through the normal command handlers, "
        "only when the store holds no events: on any later run it records nothing.",
    )
    demo.set_defaults(command=_demo)
    cli_seed.register(subcommands)
    cli_audit.register(subcommands)
    cli_readside.register(subcommands)
    cli_bench.register(subcommands)
    return parser


def _serve(arguments: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from union_ledger.demo_access import curl_line, ensure_demo_key

    demo_key = ensure_demo_key(settings)
    if demo_key is not None:
        print("union-ledger: try the API with the demo accountant key:\n  "
              + curl_line(demo_key, arguments.host, arguments.port), flush=True)
    from union_ledger.serving import NoDelayHttpToolsProtocol

    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
        http=NoDelayHttpToolsProtocol,
        loop=SERVER_LOOP,
        log_config=None,  # the app logs JSON lines itself (union_ledger/logs.py)
        # uvicorn kills a worker that misses one 5 s health ping and then stops the whole
        # server; a worker busy loading many groups starved the ping's thread of the GIL
        # that long (docs/PERFORMANCE.md).
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_TIMEOUT_S,
    )
    return EXIT_OK


def _demo(arguments: argparse.Namespace, settings: Settings) -> int:
    try:
        demo = importlib.import_module("union_ledger.demo")
    except ModuleNotFoundError as error:
        if error.name != "union_ledger.demo":
            raise
        print("union-ledger: demo data is not available in this build", file=sys.stderr)
        return EXIT_REFUSED
    bar = ProgressBar("demo weeks")
    result = demo.seed_demo(settings, progress=bar)
    if result is not None:
        print(bar.finish(str(result)) if getattr(result, "created", False) else result)
    return EXIT_OK


def _describe(error: ValidationError) -> str:
    # Without the input values: a database URL holds its password.
    problems = error.errors(include_url=False, include_input=False, include_context=False)
    return "; ".join(
        f"UNION_LEDGER_{'_'.join(map(str, problem['loc'])).upper()}: {problem['msg']}"
        if problem["loc"]
        else problem["msg"]
        for problem in problems
    )


def _bounded_int(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
    return value


def _port(text: str) -> int:
    return _bounded_int(text, 1, 65535)


def _workers(text: str) -> int:
    return _bounded_int(text, 1, WORKERS_MAX)
