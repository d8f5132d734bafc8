"""The API under load: a `union-ledger serve` process on loopback and bounded HTTP clients."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
REQUEST_TIMEOUT_S = 60.0
SERVE = "from union_ledger.cli import main; raise SystemExit(main())"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any = None
    events: int = 0  # events the request books when it succeeds


@dataclass
class LoadResult:
    """What a load run did: per-request latencies (s), statuses, wall time."""

    latencies_s: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    events: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # the first few failures, described
    unanswered: int = 0  # requests that got no response (refused, reset, timed out)

    @property
    def failed(self) -> int:
        """Requests that did not succeed: unanswered, or answered with a status >= 300."""
        return self.unanswered + sum(n for status, n in self.statuses.items() if status >= 300)

    @property
    def requests(self) -> int:
        return len(self.latencies_s)

    def percentile_ms(self, fraction: float) -> float:
        if not self.latencies_s:
            return 0.0
        ordered = sorted(self.latencies_s)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] * 1000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # the server's process, leader of its process group (its workers)

    def rss_mib(self) -> float:
        """Resident memory of the server and its workers together, in MiB."""
        total = 0
        page = os.sysconf("SC_PAGE_SIZE")
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.pid:  # the process group
                    total += int((entry / "statm").read_text().split()[1]) * page
            except (OSError, IndexError, ValueError):
                continue
        return total / 2**20


@contextmanager
def api_server(env: Mapping[str, str], workers: int, log_path: Path) -> Iterator[Server]:
    """`union-ledger serve` on a free loopback port; stopped (its whole process group)
    on exit."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, "serve", "--host", HOST, "--port", str(port),
             "--workers", str(workers)],
            env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_up(process, port)
            yield Server(port, process.pid)
        finally:
            _stop(process)


def _wait_until_up(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server exited with {process.returncode}; see its log")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the API server did not answer within {START_TIMEOUT_S} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_TIMEOUT_S)


def run_load(
    port: int, token: str, lanes: Sequence[Sequence[Request]], deadline_s: float,
    *, reconnect: bool = False,
) -> LoadResult:
    """Each lane is one client sending its requests in order over one keep-alive
    connection (a new connection per request with `reconnect`, so the requests spread over
    the API's workers); all lanes run at once. Stops at the lanes' end or after
    `deadline_s`."""
    result = LoadResult()
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s
    start = threading.Barrier(len(lanes) + 1)
    threads = [threading.Thread(target=_client, daemon=True,
                                args=(port, token, lane, stop_at, start, result, lock,
                                      reconnect))
               for lane in lanes]
    for thread in threads:
        thread.start()
    start.wait(timeout=30)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=deadline_s + REQUEST_TIMEOUT_S)
    result.seconds = time.perf_counter() - began
    return result


def _client(
    port: int, token: str, lane: Sequence[Request], stop_at: float, start: threading.Barrier,
    result: LoadResult, lock: threading.Lock, reconnect: bool,
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    start.wait(timeout=30)
    try:
        for request in lane:
            if time.monotonic() >= stop_at:
                return
            body = None if request.body is None else json.dumps(request.body)
            began = time.perf_counter()
            try:
                connection.request(request.method, request.path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
                with lock:
                    result.unanswered += 1
                    if len(result.errors) < 5:
                        result.errors.append(repr(error))
                continue
            elapsed = time.perf_counter() - began
            if reconnect:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
            with lock:
                result.latencies_s.append(elapsed)
                result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
                if response.status < 300:
                    result.events += request.events
                elif len(result.errors) < 5:
                    result.errors.append(f"{response.status} {payload[:300]!r}")
    finally:
        connection.close()
