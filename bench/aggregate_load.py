"""How long loading one group of 10,000 events takes: as a command loads it, and cold.

- command path: what every command on the group pays, the aggregate borrowed from the
  process's cache (see union_ledger/checkout.py) and brought up to date from the store;
- cold, from snapshot: a new process, or the first command after a failed one: the
  latest snapshot and the events after it, read from PostgreSQL and folded;
- library deep copy: what the command path cost before, the cached aggregate deep-copied
  (the eventsourcing library's default), for comparison.

The loads are timed with the garbage collector as `union-ledger serve` sets it in each API
worker (`freeze_after_full_collections`): otherwise a full collection during the timed
loads walks everything the seeding left in this process, which a worker never holds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from bench.report import Figure
from bench.seeding import BulkLedger, heavy_group
from union_ledger.application import LedgerApplication
from union_ledger.checkout import Attempt
from union_ledger.collector import freeze_after_full_collections
from union_ledger.settings import Settings, eventsourcing_env

# A p99 needs a few hundred loads: of 40 (the cold loads' count before) it was the
# slowest one. Each figure's detail also gives the slowest load.
SAMPLES = 200
COLD_SAMPLES = 200
COPY_SAMPLES = 20


def measure(settings: Settings, events_min: int, seed: int) -> list[Figure]:
    env = eventsourcing_env(settings)
    seeder = BulkLedger(env, snapshot_interval=settings.snapshot_interval)
    try:
        group = heavy_group(seeder, events_min=events_min, seed=seed, end_on=seeder.today())
    finally:
        seeder.close()
    app = LedgerApplication(env, snapshot_interval=settings.snapshot_interval)
    try:
        group_id = group.id
        detail = f"group of {group.version} events, snapshot every {settings.snapshot_interval}"

        def command_load() -> None:
            attempt = Attempt()
            app.checkouts.borrow(attempt, group_id)
            app.checkouts.give_back(attempt, saved=True)

        def cold_load() -> None:
            app.checkouts.rebuild(group_id)

        def library_copy() -> None:
            app.repository.get(group_id)

        command_load()  # fills the cache
        freeze_after_full_collections()
        gc.collect()
        figures = []
        for name, function, samples in (
            ("group load p99 (command path)", command_load, SAMPLES),
            ("group load p99 (cold, from snapshot)", cold_load, COLD_SAMPLES),
            ("group load p99 (library deep copy)", library_copy, COPY_SAMPLES),
        ):
            p50, p99, slowest = _percentiles_ms(function, samples)
            figures.append(Figure(name, "heavy", p99, "ms",
                                  detail=f"{detail}; p50 {p50:.1f} ms, slowest "
                                  f"{slowest:.1f} ms, over {samples} loads"))
        return figures
    finally:
        app.close()


def _percentiles_ms(
    function: Callable[[], None], samples: int
) -> tuple[float, float, float]:
    """p50, p99 and the slowest of `samples` calls, in ms."""
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        function()
        timings.append(time.perf_counter() - began)
    timings.sort()

    def at(fraction: float) -> float:
        return timings[min(len(timings) - 1, max(0, round(fraction * len(timings)) - 1))] * 1000

    return at(0.5), at(0.99), timings[-1] * 1000
