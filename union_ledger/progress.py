"""A dependency-free progress bar on stderr for long commands, and their final summaries."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    """`bar(done, total)` redraws one line on a terminal; elsewhere it prints every 10 %."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._last_decile = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = 1.0 if total <= 0 else min(done / total, 1.0)
        if self.stream.isatty():
            filled = int(fraction * BAR_WIDTH)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
            self.stream.flush()
            return
        decile = int(fraction * 10)
        if decile != self._last_decile:
            self._last_decile = decile
            self.stream.write(f"{self.label}: {done}/{total} ({decile * 10}%)\n")

    def finish(self, summary: str) -> str:
        """End the bar's line and return `summary` with the elapsed time and rate added."""
        if self.stream.isatty():
            self.stream.write("\n")
        elapsed = time.monotonic() - self.started
        return f"{summary} in {elapsed:.1f} s"

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started
