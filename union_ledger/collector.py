"""Full garbage collections that walk only what is new since the last one.

A long-running process of this ledger holds millions of long-lived objects: an API worker
caches every group it serves, and the projector keeps every aggregate it folded (a
thousand groups of a 52-week cycle) from one batch to the next. CPython starts a full
(generation 2) collection whenever the objects promoted to the oldest generation since
the last one reach a quarter of that generation, and each walks all of it again. In an
API worker every request waited for such walks (about 100 ms with a hundred small
groups, seconds with a thousand large ones). In the projector, whose batches replace a
good part of the cached aggregates' objects with new ones, they came round so often that
late in a rebuild they took about a third of its CPU (docs/PERFORMANCE.md).

So after each full collection its survivors move to the permanent generation, which later
collections do not walk. Objects frozen are still freed by reference counting when
dropped (an aggregate evicted from a cache); only a reference cycle that was alive at a
full collection and dies later is never collected. The cached aggregates hold no cycles,
and neither a request nor a projection batch leaves any behind between collections.
"""

from __future__ import annotations

import gc
from typing import Any


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def freeze_after_full_collections() -> None:
    """Freeze the survivors of every full collection from now on; installed once per
    process (API workers, `union-ledger project` and `rebuild`, the bench's projection)."""
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)
