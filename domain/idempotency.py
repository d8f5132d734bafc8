"""Idempotency records: the answer given to one (API key, Idempotency-Key) pair, kept for ever.

A record is saved in the same transaction as the events its request produced, so either
both exist or neither does. Its id is derived from the key id and the client's
Idempotency-Key (`record_id_for`): a second save under the same pair conflicts, and a
replay finds the record by that id alone.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from domain import errors
from domain.ledger import LedgerAggregate, Meta

# Fixed for ever: changing it would forget every recorded answer.
RECORD_NAMESPACE = UUID("2d7e5a8c-93b1-4f06-8c2a-5b4e1f9d7a30")
FINGERPRINT_LENGTH = 64


def record_id_for(key_id: str, idempotency_key: str) -> UUID:
    return uuid5(RECORD_NAMESPACE, f"{key_id}\n{idempotency_key}")


class IdempotencyRecord(LedgerAggregate):
    """What was answered: status and body (JSON text), and the request's fingerprint."""

    def __init__(
        self, key_id: str, union_id: UUID | None, idempotency_key: str, fingerprint: str,
        status: int, body_json: str,
    ) -> None:
        self.key_id = key_id
        self.union_id = union_id
        self.idempotency_key = idempotency_key
        self.fingerprint = fingerprint
        self.status = status
        self.body_json = body_json

    class Recorded(LedgerAggregate.Created):
        key_id: str
        union_id: UUID | None
        idempotency_key: str
        fingerprint: str
        status: int
        body_json: str

    @classmethod
    def record(
        cls, *, key_id: str, union_id: UUID | None, idempotency_key: str, fingerprint: str,
        status: int, body_json: str, meta: Meta, today: date,
    ) -> IdempotencyRecord:
        if len(fingerprint) != FINGERPRINT_LENGTH or not 100 <= status <= 599:
            raise errors.InvariantViolation("an idempotency record needs a sha256 and a status")
        return cls._register(
            cls.Recorded, on=today, meta=meta,
            aggregate_id=record_id_for(key_id, idempotency_key), key_id=key_id,
            union_id=union_id, idempotency_key=idempotency_key, fingerprint=fingerprint,
            status=status, body_json=body_json,
        )

    def same_request(self, fingerprint: str) -> bool:
        return self.fingerprint == fingerprint
