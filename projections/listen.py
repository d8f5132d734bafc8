"""Wakes the projector when PostgreSQL announces new events (LISTEN/NOTIFY), polls otherwise."""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg
from psycopg import sql

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10


class PostgresWake:
    """A `wake` for `Projector.start` / `run_forever` with the PostgreSQL event store.

    The library's recorder sends NOTIFY on its channel in every transaction that records
    events; PostgreSQL delivers it on commit, so once woken the new events are readable.
    A dedicated autocommit connection LISTENs; each call returns as soon as a notification
    is there (or already queued), else after `timeout_s`, so the projector still polls.
    When the connection fails the call sleeps out its timeout and reconnects next time.
    """

    def __init__(self, conninfo: dict[str, str], channel: str) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self._connection: psycopg.Connection[Any] | None = None
        self._closed = threading.Event()

    def __call__(self, timeout_s: float) -> None:
        try:
            connection = self._connect()
            for _ in connection.notifies(timeout=timeout_s, stop_after=1):
                pass
            # One batch reads every event recorded so far: the other queued notices of
            # those writes would only wake the projector for nothing.
            for _ in connection.notifies(timeout=0):
                pass
        except psycopg.Error as error:
            log.warning("listening on %s failed (%s); polling", self.channel, error)
            self._disconnect()
            self._closed.wait(timeout_s)

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed:
            params = {"connect_timeout": str(CONNECT_TIMEOUT_S), **self.conninfo}
            connection = psycopg.connect(**params, autocommit=True)  # type: ignore[arg-type]
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self._connection = connection
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        """Release the connection; call it once the projector using this wake has stopped."""
        self._closed.set()
        self._disconnect()
