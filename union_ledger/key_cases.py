"""Use cases of API keys and idempotency records, and who owns an aggregate (tenancy)."""

from __future__ import annotations

import threading
from typing import Any, TypeVar
from uuid import UUID

from domain import errors
from domain import group_events as gev
from domain.api_keys import ApiKey, ApiKeyNotFound
from domain.ledger import LedgerAggregate, Meta
from domain.union import Union
from union_ledger.core import Decision, LedgerCore, Outcome

A = TypeVar("A", bound=LedgerAggregate)
OWNERS_CACHED_MAX = 100_000


class KeyCases(LedgerCore):
    """Issuing and revoking keys; reading keys, records and owners straight from the store.

    Reads here never touch the repository's cache: commands check cached aggregates out and
    change them (see checkout.py), so a reader fast-forwarding the same object in place
    would race with them. Keys and idempotency records are a few events each, and an
    aggregate's union is a fact of its first event, which never changes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owners: dict[UUID, tuple[str, UUID | None]] = {}
        self._owners_lock = threading.Lock()

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
            key = self._load(key_id, ApiKey, ApiKeyNotFound)
            key.revoke(reason=reason, meta=meta, today=self.today())
            return key, [key]

        return self.run(decide)

    def find(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        """The aggregate of this type with this id folded afresh from its events, or None.
        For small aggregates only (API keys, idempotency records)."""
        aggregate: Any = None
        for event in self.events.get(aggregate_id):
            if not isinstance(event, LedgerAggregate.Event):
                return None
            aggregate = event.mutate(aggregate)
        return aggregate if isinstance(aggregate, cls) else None

    def owner_union(self, aggregate_id: UUID) -> UUID | None:
        """The union an aggregate belongs to (None for unknown ids and admin-wide records)."""
        facts = self._first_facts(aggregate_id)
        return None if facts is None else facts[1]

    def union_of_group(self, group_id: UUID) -> UUID | None:
        """The union of a group (None when the id is not a group's)."""
        facts = self._first_facts(group_id)
        return facts[1] if facts is not None and facts[0] == "group" else None

    def _first_facts(self, aggregate_id: UUID) -> tuple[str, UUID | None] | None:
        """(kind, union) from the aggregate's first event; kept, as they never change."""
        with self._owners_lock:
            if aggregate_id in self._owners:
                return self._owners[aggregate_id]
        first = next(iter(self.events.get(aggregate_id, lte=1)), None)
        if first is None:
            return None  # not kept: the id may be used tomorrow
        if isinstance(first, Union.Registered):
            facts: tuple[str, UUID | None] = ("union", first.originator_id)
        else:
            union_id = getattr(first, "union_id", None)
            kind = "group" if isinstance(first, gev.Registered) else "other"
            facts = (kind, union_id if isinstance(union_id, UUID) else None)
        with self._owners_lock:
            if len(self._owners) >= OWNERS_CACHED_MAX:
                self._owners.clear()
            self._owners[aggregate_id] = facts
        return facts
