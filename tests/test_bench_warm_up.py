"""The bench's warm-up writes: enough that every API worker has loaded every group."""

from __future__ import annotations

import pytest

from bench.run import WARM_UP_MISS_ODDS, warm_up_writes_per_group


@pytest.mark.parametrize("workers", [2, 3, 4, 8, 16])
def test_each_worker_misses_a_group_with_at_most_the_set_odds(workers: int) -> None:
    writes = warm_up_writes_per_group(workers)
    assert (1 - 1 / workers) ** writes <= WARM_UP_MISS_ODDS
    assert (1 - 1 / workers) ** (writes - 1) > WARM_UP_MISS_ODDS  # and no more writes


def test_one_worker_needs_one_write_and_two_need_six() -> None:
    assert warm_up_writes_per_group(1) == 1
    assert warm_up_writes_per_group(2) == 6
