"""The bench's results: figures per log size, targets judged PASS/MISS, a table and JSON."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg


@dataclass
class Figure:
    """One measured number at one log size; `ratio` is to the raw PostgreSQL rate."""

    name: str
    size: str
    value: float
    unit: str
    ratio: float | None = None
    detail: str = ""


@dataclass
class Target:
    name: str
    rule: str
    measured: float
    limit: float
    status: str  # PASS | MISS


@dataclass
class Report:
    machine: dict[str, Any]
    options: dict[str, Any]
    sizes: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: dict[str, float] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def value(self, name: str, size: str) -> Figure | None:
        for figure in self.figures:
            if figure.name == name and figure.size == size:
                return figure
        return None

    def judge(self, name: str, rule: str, measured: float | None, limit: float,
              *, at_least: bool) -> None:
        """Record a target; a figure that was not measured is a MISS."""
        if measured is None:
            self.targets.append(Target(name, rule, float("nan"), limit, "MISS"))
            return
        met = measured >= limit if at_least else measured <= limit
        self.targets.append(Target(name, rule, round(measured, 3), limit,
                                   "PASS" if met else "MISS"))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, default=str)


def machine(conninfo: str) -> dict[str, Any]:
    """What the figures were measured on."""
    with psycopg.connect(conninfo) as connection:
        row = connection.execute("SHOW server_version").fetchone()
        settings: dict[str, str] = dict(connection.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections')").fetchall())
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(_memory_bytes() / 2**30, 1),
        "python": platform.python_version(),
        "postgresql": row[0] if row else "?",
        "postgresql_settings": settings,
        "psycopg": f"{psycopg.__version__} ({psycopg.pq.__impl__})",
        "kernel": platform.release(),
        "load_average_at_start": list(os.getloadavg()),
        "git_commit": _git_commit(),
    }


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 0


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
    except OSError:
        return "?"
    return out.stdout.strip() or "?"


def table(report: Report) -> str:
    """The figures side by side for each log size, then the targets."""
    sizes = list(report.sizes)
    logs = [s for s in sizes if "groups" in report.sizes[s]]  # the seeded log sizes
    names = list(dict.fromkeys(f.name for f in report.figures))
    header = ["figure", *(f"{s} ({report.sizes[s]['label']})" for s in sizes)]
    if len(logs) > 1:
        header.append(f"{logs[-1]}/{logs[0]}")
    rows = [header]
    for name in names:
        cells = [name, *(_cell(report.value(name, size)) for size in sizes)]
        if len(logs) > 1:
            first, last = report.value(name, logs[0]), report.value(name, logs[-1])
            cells.append(f"{last.value / first.value:.2f}x" if first and last and first.value
                         else "-")
        rows.append(cells)
    lines = _columns(rows)
    lines.append("")
    target_rows = [["target", "rule", "measured", "limit", "result"]]
    target_rows += [[t.name, t.rule, f"{t.measured:g}", f"{t.limit:g}", t.status]
                    for t in report.targets]
    lines += _columns(target_rows)
    lines.append("")
    lines.append("raw PostgreSQL limit (rows/s), measured around each ingest figure:")
    lines += [f"  {name}: {rate:,.0f}" for name, rate in report.raw.items()]
    return "\n".join(lines)


def _cell(figure: Figure | None) -> str:
    if figure is None:
        return "-"
    text = f"{figure.value:,.1f} {figure.unit}"
    if figure.ratio is not None:
        text += f" ({figure.ratio:.2f}x raw)"
    return text


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            .rstrip() for row in rows]


def write_json(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.to_json() + "\n", encoding="utf-8")
