"""Wiring of the read side: the read-model store and projector beside an application."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.ledger import LedgerAggregate
from projections.engine import Projector
from projections.listen import PostgresWake
from projections.store import PostgresReadStore, ReadStore, SqliteReadStore
from union_ledger.application import LedgerApplication
from union_ledger.pg_session import apply_session_options
from union_ledger.settings import Settings, eventsourcing_env, library_view, postgres_conninfo


def build_read_store(settings: Settings) -> ReadStore:
    """Read models live beside the events: same SQLite file, or same database and schema."""
    if settings.persistence == "sqlite":
        return SqliteReadStore(settings.sqlite_path)
    if settings.persistence == "memory":
        return SqliteReadStore(":memory:")
    env = library_view(eventsourcing_env(settings), LedgerApplication.name)
    apply_session_options()  # no JIT compilation of the read models' lookups either
    return PostgresReadStore(postgres_conninfo(env), env.get("POSTGRES_SCHEMA"))


def build_projector(app: LedgerApplication, store: ReadStore) -> Projector:
    def load(aggregate_id: UUID, version: int) -> LedgerAggregate | None:
        aggregate: object
        try:
            aggregate = app.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, LedgerAggregate) else None

    return Projector(source=app.recorder, mapper=app.mapper, load=load, store=store)


def build_wake(app: LedgerApplication, store: ReadStore) -> PostgresWake | None:
    """A LISTEN-based wake-up for the projector when the events are in PostgreSQL (the
    recorder NOTIFYs its channel after each write); None for the other stores, which poll."""
    channel = getattr(app.recorder, "channel_name", None)
    if not isinstance(store, PostgresReadStore) or not isinstance(channel, str):
        return None
    return PostgresWake(store.conninfo, channel)
