"""Held row writes: same rows as sent one by one, sent early once enough are held, and the
PostgreSQL transactions they go in."""

from __future__ import annotations

from collections.abc import Sequence

from projections.batching import HELD_ROWS_MAX, BufferedCursor
from projections.store import Params, Query, Row, SqliteReadStore
from tests.projections.support import postgres_read_store

CREATE = "CREATE TABLE rm_probe (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)"
INSERT = "INSERT INTO rm_probe (k, v) VALUES (?, ?)"
UPDATE = "UPDATE rm_probe SET v = v + ? WHERE k = ?"


class Recorder:
    """A cursor that only notes what reaches it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []  # (statement head, rows)

    def execute(self, statement: str, params: Params = ()) -> None:
        self.sent.append((statement.split()[0], 1))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self.sent.append((statement.split()[0], len(rows)))

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        return []

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        return None

    def fetch_many(self, queries: Sequence[Query]) -> list[list[Row]]:
        return [[] for _ in queries]


def test_writes_are_held_until_enough_are_held_then_sent_together() -> None:
    recorder = Recorder()
    cursor = BufferedCursor(recorder)
    for key in range(HELD_ROWS_MAX - 1):
        cursor.execute(UPDATE, (1, key))
    assert recorder.sent == []
    cursor.execute(UPDATE, (1, HELD_ROWS_MAX))
    assert recorder.sent == [("UPDATE", HELD_ROWS_MAX)]
    cursor.execute(UPDATE, (1, 0))
    cursor.fetchone("SELECT 1")  # a read first sends what is held
    assert recorder.sent == [("UPDATE", HELD_ROWS_MAX), ("UPDATE", 1)]


def test_rows_sent_early_and_late_are_the_rows_sent_one_by_one() -> None:
    rows = 2 * HELD_ROWS_MAX + 7

    def run(buffered: bool) -> list[Row]:
        store = SqliteReadStore(":memory:")
        with store.transaction() as plain:
            plain.execute(CREATE)
            cursor = BufferedCursor(plain) if buffered else plain
            for key in range(rows):
                cursor.execute(INSERT, (key, key))
                cursor.execute(UPDATE, (key % 3, key))
            if isinstance(cursor, BufferedCursor):
                cursor.flush()
        with store.transaction(readonly=True) as reader:
            return reader.fetchall("SELECT k, v FROM rm_probe ORDER BY k")

    assert run(buffered=True) == run(buffered=False)


def test_projection_commits_skip_the_wal_flush_and_reads_share_one_snapshot(
    postgres_env: dict[str, str],
) -> None:
    store = postgres_read_store(postgres_env)
    try:
        with store.transaction() as writer:
            assert writer.fetchone("SHOW synchronous_commit") == ("off",)
        with store.transaction(readonly=True) as reader:
            level, read_only = reader.fetch_many([("SHOW transaction_isolation", ()),
                                                  ("SHOW transaction_read_only", ())])
            assert level == [("repeatable read",)]
            assert read_only == [("on",)]
    finally:
        store.close()
