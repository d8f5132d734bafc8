"""Use cases of API keys and idempotency records, and who owns an aggregate (tenancy)."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain import errors
from domain.api_keys import ApiKey, ApiKeyNotFound
from domain.group import Group
from domain.idempotency import IdempotencyRecord
from domain.ledger import LedgerAggregate, Meta
from domain.union import Union
from union_ledger.core import Decision, LedgerCore, Outcome

A = TypeVar("A", bound=LedgerAggregate)


class KeyCases(LedgerCore):
    """Issuing and revoking keys; finding keys, records and owners without copying state."""

    def issue_api_key(
        self, *, role: str, union_id: UUID | None, label: str, secret_hash: str, meta: Meta
    ) -> Outcome[ApiKey]:
        """Record a new key. Only the digest of its secret is given, and stored."""

        def decide() -> Decision[ApiKey]:
            if union_id is not None:
                self._load(union_id, Union, errors.UnionNotFound)
            key = ApiKey.issue(role=role, union_id=union_id, label=label,
                               secret_hash=secret_hash, meta=meta, today=self.today())
            return key, [key]

        return self.run(decide)

    def revoke_api_key(self, key_id: UUID, *, reason: str, meta: Meta) -> Outcome[ApiKey]:
        def decide() -> Decision[ApiKey]:
            if self.find(key_id, ApiKey) is None:
                raise ApiKeyNotFound(f"api key {key_id} not found", id=str(key_id))
            # Changed only as checked out for this command, never the shared cached copy.
            key = self._load(key_id, ApiKey, ApiKeyNotFound)
            key.revoke(reason=reason, meta=meta, today=self.today())
            return key, [key]

        return self.run(decide)

    def find(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        """The aggregate of this type with this id, or None. Read-only: never mutate it."""
        aggregate: object
        try:
            aggregate = self.repository.get(aggregate_id, deepcopy_from_cache=False)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def owner_union(self, aggregate_id: UUID) -> UUID | None:
        """The union an aggregate belongs to (None for unknown ids and admin-wide records)."""
        aggregate = self.find(aggregate_id, LedgerAggregate)
        if isinstance(aggregate, Union):
            return aggregate.id
        if isinstance(aggregate, Group | ApiKey | IdempotencyRecord):
            return aggregate.union_id
        return None
