"""Signed checkpoints: an HMAC-signed digest of every aggregate's head (version, hash).

A chain proves each event follows from the one before; it cannot show that the newest
events of an aggregate were dropped, or that someone with database access rewrote a whole
chain consistently. A checkpoint, signed with a key kept outside the database
(UNION_LEDGER_CHECKPOINT_KEY), pins every head at the moment it was taken: later, each
aggregate must still have an event at that version carrying that same chain hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from domain.errors import DomainError
from union_ledger.audit import verify


class CheckpointInvalid(DomainError):
    code = "checkpoint_invalid"


@dataclass(frozen=True)
class CheckpointProblem:
    aggregate_id: str
    version: int
    reason: str


def _sign(body: dict[str, Any], key: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def make_checkpoint(app: Application[Any], key: bytes) -> dict[str, Any]:
    """Verify the chains, then sign every aggregate's head."""
    report = verify(app)
    if not report.ok:
        raise CheckpointInvalid(f"the log does not verify: {report.first_broken}")
    body: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(),
        "position": app.recorder.max_notification_id() or 0,
        "heads": {str(k): [v, h] for k, (v, h) in sorted(report.heads.items())},
    }
    return {**body, "signature": _sign(body, key)}


def check_against(
    app: Application[Any], checkpoint: dict[str, Any], key: bytes
) -> list[CheckpointProblem]:
    """What no longer matches the checkpoint (empty: everything it pinned is intact)."""
    body = {k: v for k, v in checkpoint.items() if k != "signature"}
    if not hmac.compare_digest(_sign(body, key), str(checkpoint.get("signature", ""))):
        raise CheckpointInvalid("the checkpoint's signature does not match: wrong key or edited")
    problems: list[CheckpointProblem] = []
    for aggregate_id, (version, head_hash) in body["heads"].items():
        events = list(app.events.get(UUID(aggregate_id), gt=version - 1, lte=version))
        if not events:
            problems.append(CheckpointProblem(
                aggregate_id, version, "the event pinned by the checkpoint is missing"))
        elif getattr(events[0], "chain_hash", None) != head_hash:
            problems.append(CheckpointProblem(
                aggregate_id, version, "the chain was rewritten since the checkpoint"))
    return problems
