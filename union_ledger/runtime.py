"""A running ledger: the application, its read-model store and its projector, together."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from projections.engine import Projector
from projections.listen import PostgresWake
from projections.store import Cursor, ReadStore
from union_ledger.application import LedgerApplication
from union_ledger.bootstrap import build_application
from union_ledger.core import business_today
from union_ledger.readside import build_projector, build_read_store, build_wake
from union_ledger.settings import Settings


@dataclass
class Runtime:
    """What an API process or a CLI command works with."""

    settings: Settings
    app: LedgerApplication
    store: ReadStore
    projector: Projector
    wake: PostgresWake | None = None  # the projector's LISTEN connection (PostgreSQL)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """A read-only transaction on the read models."""
        with self.store.transaction(readonly=True) as cursor:
            yield cursor

    def close(self) -> None:
        self.projector.stop()
        if self.wake is not None:
            self.wake.close()
        self.store.close()
        self.app.close()


def start_runtime(
    settings: Settings, *, background_projection: bool | None = None,
    clock: Callable[[], date] = business_today,
) -> Runtime:
    """Build everything for these settings. By default the projector follows the log in a
    background thread for the embedded stores (SQLite, memory); with PostgreSQL it runs as
    its own worker (`union-ledger project`) and API processes only read."""
    app = build_application(settings, clock=clock)
    store = build_read_store(settings)
    projector = build_projector(app, store)
    if background_projection is None:
        background_projection = settings.persistence != "postgres"
    wake = None
    if background_projection:
        wake = build_wake(app, store)
        projector.start(wake)
    return Runtime(settings, app, store, projector, wake)
