"""Held row writes: same rows as sent one by one, sent early once enough are held, and the
PostgreSQL transactions they go in."""

from __future__ import annotations

from collections.abc import Sequence

from projections.batching import HELD_ROWS_MAX, ROWS_PER_STATEMENT, BufferedCursor
from projections.store import Params, Query, Row, SqliteReadStore
from tests.projections.support import postgres_read_store, read_store_for

CREATE = "CREATE TABLE rm_probe (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)"
INSERT = "INSERT INTO rm_probe (k, v) VALUES (?, ?)"
UPDATE = "UPDATE rm_probe SET v = v + ? WHERE k = ?"
UPSERT = ("INSERT INTO rm_probe (k, v) VALUES (?, ?) "
          "ON CONFLICT (k) DO UPDATE SET v = (rm_probe.v * 10 + excluded.v) % 1000")


class Recorder:
    """A cursor that only notes what reaches it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []  # (statement head, rows)

    def execute(self, statement: str, params: Params = ()) -> None:
        rows = statement.count("), (") + 1 if statement.startswith("INSERT") else 1
        self.sent.append((statement.split()[0], rows))

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


def test_inserts_go_as_multi_row_statements_of_few_distinct_sizes() -> None:
    recorder = Recorder()
    cursor = BufferedCursor(recorder)
    rows = ROWS_PER_STATEMENT + 100  # 128 + 64 + 32 + 4
    for key in range(rows):
        cursor.execute(INSERT, (key, key))
    cursor.flush()
    assert recorder.sent == [("INSERT", 128), ("INSERT", 64), ("INSERT", 32), ("INSERT", 4)]


def test_an_upsert_repeating_a_key_starts_a_new_statement() -> None:
    recorder = Recorder()
    cursor = BufferedCursor(recorder)
    for key in (1, 2, 3, 2, 4, 1, 2):
        cursor.execute(UPSERT, (key, key))
    cursor.flush()
    # (1, 2, 3) | (2, 4, 1) | (2): each statement updates a row at most once.
    assert recorder.sent == [("INSERT", 2), ("INSERT", 1), ("INSERT", 2), ("INSERT", 1),
                             ("INSERT", 1)]


def test_upserts_sent_together_give_the_rows_sent_one_by_one(
    database_env: dict[str, str],
) -> None:
    """PostgreSQL refuses to update one row twice in one statement; the rows of a batch
    that does are sent in order, in several statements, and end as if sent one by one."""
    writes = [(key % 5, step) for step, key in enumerate(range(0, 700, 3))]

    def run(buffered: bool) -> list[Row]:
        store = read_store_for(database_env)
        try:
            with store.transaction() as plain:
                plain.execute("DROP TABLE IF EXISTS rm_probe")
                plain.execute(CREATE)
                cursor = BufferedCursor(plain) if buffered else plain
                for key, value in writes:
                    cursor.execute(UPSERT, (key, value % 7))
                if isinstance(cursor, BufferedCursor):
                    cursor.flush()
            with store.transaction(readonly=True) as reader:
                return reader.fetchall("SELECT k, v FROM rm_probe ORDER BY k")
        finally:
            store.close()

    one_by_one = run(buffered=False)
    assert len(one_by_one) == 5
    assert run(buffered=True) == one_by_one
