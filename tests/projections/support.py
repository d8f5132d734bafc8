"""Read-model test helpers: stores per backend, projecting, dumping tables, folding journals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from domain.group import Group
from domain.group_state import Loan
from domain.ledger import LedgerAggregate
from domain.postings import journal_entry
from projections import schema
from projections.codec import minor
from projections.engine import Projector
from projections.store import PostgresReadStore, ReadStore, SqliteReadStore
from union_ledger.application import LedgerApplication
from union_ledger.readside import build_projector

Row = tuple[Any, ...]
Dump = dict[str, list[Row]]


def read_store_for(env: dict[str, str]) -> ReadStore:
    """The read store beside an application's events: its SQLite file or PostgreSQL schema
    (an in-memory SQLite database for the in-memory event store)."""
    module = env["PERSISTENCE_MODULE"]
    if module == "eventsourcing.sqlite":
        return SqliteReadStore(env["SQLITE_DBNAME"])
    if module == "eventsourcing.postgres":
        return postgres_read_store(env)
    return SqliteReadStore(":memory:")


def postgres_read_store(env: dict[str, str]) -> PostgresReadStore:
    names = {"dbname": "DBNAME", "host": "HOST", "port": "PORT", "user": "USER",
             "password": "PASSWORD"}
    conninfo = {key: env[f"POSTGRES_{name}"] for key, name in names.items()
                if env.get(f"POSTGRES_{name}")}
    return PostgresReadStore(conninfo, env.get("POSTGRES_SCHEMA"))


def projector_for(app: LedgerApplication, store: ReadStore, batch_size: int = 500) -> Projector:
    projector = build_projector(app, store)
    projector.batch_size = batch_size
    return projector


def fresh_projection(app: LedgerApplication, batch_size: int = 500) -> SqliteReadStore:
    """Every read model rebuilt from scratch into a new in-memory SQLite database."""
    store = SqliteReadStore(":memory:")
    projector_for(app, store, batch_size).catch_up()
    return store


def dump_read_models(store: ReadStore) -> Dump:
    """Every row of every read-model table, sorted: equal dumps mean equal read models.

    Values come back as SQLite gives them (the PostgreSQL store turns whole Decimals into
    ints), so dumps of the two databases compare directly.
    """
    dump: Dump = {}
    with store.transaction(readonly=True) as cursor:
        for table in schema.READ_MODEL_TABLES:
            rows = cursor.fetchall(f"SELECT * FROM {table}")
            dump[table] = sorted(rows, key=_sort_key)
    return dump


def _sort_key(row: Row) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, str(value)) for value in row)


def assert_same_read_models(actual: Dump, expected: Dump) -> None:
    """Table by table, row by row, so a failure names the first table that differs."""
    assert actual.keys() == expected.keys()
    for table in expected:
        assert len(actual[table]) == len(expected[table]), table
        for got, want in zip(actual[table], expected[table], strict=True):
            assert got == want, f"{table}: {got} != {want}"


def tracking_position(store: ReadStore) -> int:
    with store.transaction(readonly=True) as cursor:
        row = cursor.fetchone(f"SELECT MAX(position) FROM {schema.TRACKING_TABLE}")
    return 0 if row is None or row[0] is None else int(row[0])


# --- the books folded straight from the events -----------------------------------------


def events_of(app: LedgerApplication, aggregate_id: UUID) -> list[LedgerAggregate.Event]:
    return [e for e in app.events.get(aggregate_id) if isinstance(e, LedgerAggregate.Event)]


def journal_nets(
    events: Iterable[LedgerAggregate.Event], as_of: date | None = None
) -> dict[str, int]:
    """Debit-positive balance of each account, in minor units, from the posting rules."""
    nets: dict[str, int] = defaultdict(int)
    for event in events:
        entry = journal_entry(event)
        if entry is None or (as_of is not None and entry.on > as_of):
            continue
        for posting in entry.postings:
            signed = minor(posting.amount)
            nets[posting.account] += signed if posting.side == "debit" else -signed
    return dict(nets)


def replay_until(events: list[LedgerAggregate.Event], as_of: date) -> Any:
    """The aggregate as it stood at the end of `as_of`: its events dated up to then.

    Only meaningful when the aggregate's business dates never go back in recording order
    (checked), so "dated on or before" is a prefix of its history.
    """
    dates = [event.on for event in events]
    if dates != sorted(dates):
        raise ValueError("the history's dates are not in recording order")
    aggregate: Any = None
    for event in events:
        if event.on > as_of:
            break
        aggregate = event.mutate(aggregate)
    return aggregate


def loans_ever(events: list[LedgerAggregate.Event], as_of: date | None = None) -> dict[str, Loan]:
    """Every loan the group held up to `as_of` (all, when None), in its latest state.

    A share-out moves its cycle's loans out of the group's state (keeping their status in
    `closed_loans`): their figures are taken from the state right before it, and a loan
    is changed in place until then, so what is collected is each loan's last state.
    """
    loans: dict[str, Loan] = {}
    group: Any = None
    for event in events:
        if as_of is not None and event.on > as_of:
            break
        if isinstance(group, Group):
            loans.update(group.loans)
        group = event.mutate(group)
    if isinstance(group, Group):
        loans.update(group.loans)
        assert {k: loans[k].status for k in group.closed_loans} == group.closed_loans
    return loans
