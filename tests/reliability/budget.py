"""How long the reliability tests run: short by default, longer under `make reliability`.

Each figure comes from an environment variable, bounded so a typo cannot run for ever.
"""

from __future__ import annotations

import os


def number(name: str, default: float, low: float, high: float) -> float:
    """The variable's value (a number within [low, high]), or the default when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number") from None
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is not between {low} and {high}")
    return value


def whole(name: str, default: int, low: int, high: int) -> int:
    value = number(name, default, low, high)
    if value != int(value):
        raise ValueError(f"{name}={value} is not a whole number")
    return int(value)


# The bank test: seconds of load, and how many times an API process and the projection
# worker are killed (evenly spread over the run).
BANK_SECONDS = number("RELIABILITY_BANK_SECONDS", 8.0, 1.0, 3600.0)
BANK_KILLS = whole("RELIABILITY_BANK_KILLS", 1, 1, 100)
# Projector crash safety: kill -9 rounds, and the size of the log it catches up (weeks of
# meetings of three groups, about 130 events a week).
CRASH_KILLS = whole("RELIABILITY_CRASH_KILLS", 4, 1, 500)
CRASH_WEEKS = whole("RELIABILITY_CRASH_WEEKS", 12, 1, 200)
# Fuzzing: examples per operation, and whether the coverage phase (boundary values of
# every parameter) runs as well.
FUZZ_EXAMPLES = whole("RELIABILITY_FUZZ_EXAMPLES", 3, 1, 10_000)
FUZZ_COVERAGE = whole("RELIABILITY_FUZZ_COVERAGE", 0, 0, 1) == 1
