"""Request counters and latency histograms, written out in the Prometheus text format."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

# Upper bounds of the latency buckets, in seconds.
LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS_S))
    total: int = 0
    sum_s: float = 0.0

    def observe(self, value_s: float) -> None:
        self.total += 1
        self.sum_s += value_s
        for index, bound in enumerate(LATENCY_BUCKETS_S):
            if value_s <= bound:
                self.counts[index] += 1


class Metrics:
    """What this process has served; thread-safe (routes run in a thread pool)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, int], int] = {}
        self._latency: dict[tuple[str, str], Histogram] = {}

    def observe(self, method: str, route: str, status: int, duration_s: float) -> None:
        with self._lock:
            key = (method, route, status)
            self._requests[key] = self._requests.get(key, 0) + 1
            self._latency.setdefault((method, route), Histogram()).observe(duration_s)

    def exposition(self, gauges: Iterable[tuple[str, str, str, float]]) -> str:
        """The text format: request counters, latency histograms, then the given
        `(name, type, help, value)` samples."""
        lines = [
            "# HELP union_ledger_http_requests_total HTTP requests by route and status.",
            "# TYPE union_ledger_http_requests_total counter",
        ]
        with self._lock:
            requests = sorted(self._requests.items())
            latency = sorted((k, _copy(h)) for k, h in self._latency.items())
        for (method, route, status), count in requests:
            labels = f'method="{method}",route="{_escape(route)}",status="{status}"'
            lines.append(f"union_ledger_http_requests_total{{{labels}}} {count}")
        lines += [
            "# HELP union_ledger_http_request_duration_seconds HTTP request latency.",
            "# TYPE union_ledger_http_request_duration_seconds histogram",
        ]
        for (method, route), histogram in latency:
            lines += _histogram_lines(method, route, histogram)
        for name, kind, help_text, value in gauges:
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}",
                      f"{name} {_number(value)}"]
        return "\n".join(lines) + "\n"


def _histogram_lines(method: str, route: str, histogram: Histogram) -> list[str]:
    name = "union_ledger_http_request_duration_seconds"
    labels = f'method="{method}",route="{_escape(route)}"'
    lines = [
        f'{name}_bucket{{{labels},le="{bound}"}} {count}'
        for bound, count in zip(LATENCY_BUCKETS_S, histogram.counts, strict=True)
    ]
    lines.append(f'{name}_bucket{{{labels},le="+Inf"}} {histogram.total}')
    lines.append(f"{name}_sum{{{labels}}} {histogram.sum_s:.6f}")
    lines.append(f"{name}_count{{{labels}}} {histogram.total}")
    return lines


def _copy(histogram: Histogram) -> Histogram:
    return Histogram(list(histogram.counts), histogram.total, histogram.sum_s)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
