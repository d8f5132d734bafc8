"""Schemas of the audit trail: stored events exactly as their chain hashes cover them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field


class AuditEvent(BaseModel):
    """One stored event. `data` is the canonical encoding the chain hash covers, so
    sha256(previous chain_hash ‖ canonical JSON of {topic, aggregate_id, version,
    timestamp: recorded_at, data}) recomputes `chain_hash` (see domain/canonical.py)."""

    position: int | None = Field(description="Place in the global log (null in an "
                                 "aggregate's history, which is read by version).")
    aggregate_id: UUID
    aggregate_type: str
    version: int
    type: str
    topic: str
    on: date | None
    recorded_at: datetime
    actor: str | None
    data: dict[str, Any]
    chain_hash: str | None


class BrokenLink(BaseModel):
    aggregate_id: UUID
    version: int
    reason: str


class VerifyOut(BaseModel):
    """The result of recomputing every hash chain the key may see (docs/AUDIT.md)."""

    ok: bool
    events_checked: int
    first_broken: BrokenLink | None


class AggregateStateOut(BaseModel):
    """An aggregate replayed to a version, or as recorded at a moment."""

    aggregate_id: UUID
    aggregate_type: str
    version: int
    chain_hash: str
    state: dict[str, Any]
