"""Real `union-ledger` processes for fault tests: start on loopback, kill -9, always reap."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_S = 90.0  # importing the app takes seconds on a busy machine
STOP_TIMEOUT_S = 20.0
POLL_INTERVAL_S = 0.1
LOG_TAIL_CHARACTERS = 3000
PROJECTING = "projecting, woken by"  # the worker's first log line once it follows the log
# Bounded pools: the test server is shared, and three processes connect to it at once.
POOL_ENV = {"POSTGRES_POOL_SIZE": "4", "POSTGRES_MAX_OVERFLOW": "6"}


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def cli_command(*arguments: str) -> list[str]:
    """`union-ledger …` from this environment (the console script, or the module)."""
    script = Path(sys.executable).with_name("union-ledger")
    if script.exists():
        return [str(script), *arguments]
    return [sys.executable, "-c", "import sys; from union_ledger.cli import main; "
            "sys.exit(main())", *arguments]


def ledger_env(database_url: str, schema: str, admin_key: str) -> dict[str, str]:
    """The environment of a PostgreSQL-backed process: this process's, minus any
    UNION_LEDGER_* or POSTGRES_* setting it may carry, plus the given store and key."""
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith(("UNION_LEDGER_", "POSTGRES_"))}
    return {
        **inherited, **POOL_ENV,
        "UNION_LEDGER_PERSISTENCE": "postgres",
        "UNION_LEDGER_POSTGRES_URL": database_url,
        "UNION_LEDGER_POSTGRES_SCHEMA": schema,
        "UNION_LEDGER_ADMIN_KEY": admin_key,
    }


@dataclass
class Service:
    """One subprocess that may be killed and started again; its output goes to a file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    health_url: str | None = None  # polled after a start until it answers 200
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0

    def start(self) -> None:
        if self.running:
            raise RuntimeError(f"{self.name} is already running")
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts + 1}: {' '.join(self.argv)}\n".encode())
            log.flush()
            # A session of its own: a signal meant for pytest never reaches it, and it
            # never outlives the test (the owner kills it by pid).
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.starts += 1

    def wait_healthy(self, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        """Until the health URL answers 200 (or, without one, the process is alive)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited during start-up:\n{self.log_tail()}")
            if self.health_url is None:
                return
            try:
                if httpx.get(self.health_url, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(POLL_INTERVAL_S)
        raise RuntimeError(f"{self.name} not healthy after {timeout_s} s:\n{self.log_tail()}")

    def wait_for_output(self, text: str, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        """Until the current run has written `text` to its log."""
        deadline = time.monotonic() + timeout_s
        marker = f"--- start {self.starts}:"
        while time.monotonic() < deadline:
            log = self.log_path.read_text(errors="replace")
            if text in log[log.rfind(marker):]:
                return
            if not self.running:
                raise RuntimeError(f"{self.name} exited before saying {text!r}:\n"
                                   f"{self.log_tail()}")
            time.sleep(POLL_INTERVAL_S)
        raise RuntimeError(f"{self.name} did not say {text!r} in {timeout_s} s")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.name} was never started")
        return self.process.pid

    def kill(self) -> None:
        """kill -9: no clean-up, no flushing, open transactions left to the server."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.kills += 1
        self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process = None

    def stop(self) -> int | None:
        """SIGTERM and wait (SIGKILL if it will not go); returns its exit code."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                return process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
        return process.wait(timeout=STOP_TIMEOUT_S)

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-LOG_TAIL_CHARACTERS:]
        except OSError:
            return "(no log)"


@dataclass
class Services:
    """Every process a test started; `reap` kills whatever is still running."""

    directory: Path
    env: dict[str, str]
    started: list[Service] = field(default_factory=list)

    def api(self, name: str) -> Service:
        """An API process (uvicorn, one worker) on a free loopback port."""
        port = free_port()
        argv = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
                "--host", LOOPBACK, "--port", str(port), "--no-access-log",
                "--log-level", "warning", "--timeout-graceful-shutdown", "5"]
        return self._add(Service(name, argv, self.env, self.directory / f"{name}.log",
                                 health_url=f"http://{LOOPBACK}:{port}/health"))

    def projector(self, name: str = "projector") -> Service:
        """The projection worker, `union-ledger project`; it says PROJECTING once it
        follows the log (and stops cleanly on SIGTERM from then on)."""
        argv = cli_command("project", "--lag-interval", "1")
        return self._add(Service(name, argv, self.env, self.directory / f"{name}.log"))

    def _add(self, service: Service) -> Service:
        self.started.append(service)
        return service

    def reap(self) -> None:
        for service in self.started:
            # Already gone, or not dying in time: the next one is killed all the same.
            with suppress(OSError, subprocess.TimeoutExpired):
                service.kill()

    def logs(self) -> str:
        """Everything every process wrote (stdout and stderr), across its restarts."""
        return "\n".join(s.log_path.read_text(errors="replace") for s in self.started
                         if s.log_path.exists())


@contextmanager
def services(directory: Path, env: dict[str, str]) -> Iterator[Services]:
    """Processes started inside are killed on the way out, whatever happened."""
    found = Services(directory, env)
    try:
        yield found
    finally:
        found.reap()


def base_url(service: Service) -> str:
    if service.health_url is None:
        raise ValueError(f"{service.name} serves no HTTP")
    return service.health_url.removesuffix("/health")
