"""API keys as an aggregate: a key's role, its union, and whether it was revoked.

The secret itself is never stored: only its SHA-256 hex digest. The aggregate id is derived
from that digest (`key_id_for`), so a presented secret is found by hashing it, and the
stored digest is then compared in constant time (`ApiKey.matches`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from typing import Literal, get_args
from uuid import UUID, uuid5

from domain import errors
from domain.ledger import LedgerAggregate, Meta

Role = Literal["admin", "accountant", "relief_officer", "auditor"]
ROLES: tuple[Role, ...] = get_args(Role)

# Fixed for ever: changing it would orphan every key ever issued.
KEY_NAMESPACE = UUID("6f1c2b0e-51a4-4c9e-9a53-0d2f7c4e8b11")
LABEL_MAX = 200
REASON_MAX = 200
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class ApiKeyNotFound(errors.DomainError):
    code = "api_key_not_found"
    kind = "not_found"


class ApiKeyAlreadyRevoked(errors.DomainError):
    code = "api_key_already_revoked"
    kind = "conflict"


def secret_hash(secret: str) -> str:
    """The SHA-256 hex digest of a secret: what is stored and what identifies the key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def key_id_for(digest: str) -> UUID:
    """The aggregate id of the key whose secret has this digest."""
    return uuid5(KEY_NAMESPACE, digest)


class ApiKey(LedgerAggregate):
    """A bearer key: admin keys act everywhere, the others inside one union."""

    def __init__(
        self, role: str, union_id: UUID | None, label: str, secret_hash: str, on: date
    ) -> None:
        self.role = role
        self.union_id = union_id
        self.label = label
        self.secret_hash = secret_hash
        self.issued_on = on
        self.revoked_on: date | None = None

    class Issued(LedgerAggregate.Created):
        role: str
        union_id: UUID | None
        label: str
        secret_hash: str

    class Revoked(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: ApiKey) -> None:
            aggregate.revoked_on = self.on

    @classmethod
    def issue(
        cls, *, role: str, union_id: UUID | None, label: str, secret_hash: str, meta: Meta,
        today: date,
    ) -> ApiKey:
        if role not in ROLES:
            raise errors.InvalidInput(
                f"role must be one of {', '.join(ROLES)}, got {role!r}", field="role"
            )
        if role == "admin" and union_id is not None:
            raise errors.InvalidInput("an admin key acts for every union: omit union_id",
                                      field="union_id")
        if role != "admin" and union_id is None:
            raise errors.InvalidInput(f"keys of role {role} need the union_id they act for",
                                      field="union_id")
        label = _text(label, "label", LABEL_MAX)
        if not SHA256_HEX.fullmatch(secret_hash):
            raise errors.InvariantViolation("an API key is stored by its SHA-256 hex digest")
        return cls._register(
            cls.Issued, on=today, meta=meta, aggregate_id=key_id_for(secret_hash), role=role,
            union_id=union_id, label=label, secret_hash=secret_hash,
        )

    def revoke(self, *, reason: str, meta: Meta, today: date) -> ApiKey.Revoked:
        if self.revoked_on is not None:
            raise ApiKeyAlreadyRevoked(
                f"API key {self.id} was revoked on {self.revoked_on}", id=str(self.id)
            )
        event = self._record(self.Revoked, on=today, meta=meta,
                             reason=_text(reason, "reason", REASON_MAX))
        if not isinstance(event, ApiKey.Revoked):  # pragma: no cover - _record returns it
            raise errors.InvariantViolation("revoking recorded another event")
        return event

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None

    def matches(self, presented_digest: str) -> bool:
        """Constant-time comparison of the stored digest with a presented secret's digest."""
        return hmac.compare_digest(self.secret_hash.encode(), presented_digest.encode())


def _text(value: str, field: str, length_max: int) -> str:
    text = value.strip()
    if not text:
        raise errors.InvalidInput(f"{field} must not be empty", field=field)
    if len(text) > length_max:
        raise errors.InvalidInput(f"{field} is longer than {length_max} characters", field=field)
    return text
