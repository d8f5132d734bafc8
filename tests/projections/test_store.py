"""The read store answers alike on SQLite and PostgreSQL: placeholders, types, transactions."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from projections.store import ReadStore, postgres_raw_sql, postgres_sql
from tests.projections.support import read_store_for


def test_placeholders_become_psycopg_ones_and_percent_signs_stay_literal() -> None:
    assert postgres_sql("SELECT a FROM t WHERE b = ? AND c LIKE 'x%'") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%'")
    assert postgres_sql("SELECT '?' , ? FROM t") == "SELECT '?' , %s FROM t"


def test_raw_placeholders_are_numbered_and_leave_literals_alone() -> None:
    assert postgres_raw_sql("INSERT INTO t (a, b) VALUES (?, ?), (?, 'it''s ?') ") == (
        "INSERT INTO t (a, b) VALUES ($1, $2), ($3, 'it''s ?') ")
    assert postgres_raw_sql("SELECT a FROM t WHERE c LIKE 'x%' AND b = ?") == (
        "SELECT a FROM t WHERE c LIKE 'x%' AND b = $1")


@pytest.fixture
def store(persistence_env: dict[str, str]) -> Iterator[ReadStore]:
    read_store = read_store_for(persistence_env)
    with read_store.transaction() as cursor:
        cursor.execute("DROP TABLE IF EXISTS t_sample")
        cursor.execute("CREATE TABLE t_sample (name TEXT NOT NULL, amount BIGINT NOT NULL)")
    try:
        yield read_store
    finally:
        read_store.close()


def test_sums_literals_and_conflicts_answer_alike(store: ReadStore) -> None:
    with store.transaction() as cursor:
        cursor.executemany("INSERT INTO t_sample (name, amount) VALUES (?, ?)",
                           [("a%", 9_000_000_000_000_000), ("b?", -1), ("a%", 1)])
    with store.transaction(readonly=True) as cursor:
        assert cursor.fetchone("SELECT SUM(amount), COUNT(*) FROM t_sample") == (
            9_000_000_000_000_000, 3)
        assert cursor.fetchall(
            "SELECT name, SUM(amount) FROM t_sample WHERE name LIKE 'a%' OR name = '?' "
            "OR name = ? GROUP BY name ORDER BY name", ("b?",)) == [
                ("a%", 9_000_000_000_000_001), ("b?", -1)]


def test_whole_numerics_come_back_as_ints_and_others_as_decimals(
    postgres_env: dict[str, str],
) -> None:
    """PostgreSQL's NUMERIC (a SUM of BIGINT) answers as SQLite would: whole ones as ints."""
    store = read_store_for(postgres_env)
    try:
        for readonly in (True, False):
            with store.transaction(readonly=readonly) as cursor:
                row = cursor.fetchone("SELECT CAST(12 AS NUMERIC), CAST(1.50 AS NUMERIC), "
                                      "CAST(-7.000 AS NUMERIC), '1', NULL, 3")
                assert row == (12, Decimal("1.50"), -7, "1", None, 3)
                assert row is not None and type(row[0]) is int and type(row[2]) is int
                assert type(row[1]) is Decimal
                assert cursor.fetch_many([("SELECT CAST(5 AS NUMERIC)", ())]) == [[(5,)]]
                assert cursor.fetchall("SELECT CAST(2.5 AS NUMERIC)") == [(Decimal("2.5"),)]
    finally:
        store.close()


def test_a_failed_transaction_leaves_nothing(store: ReadStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as cursor:
        cursor.execute("INSERT INTO t_sample (name, amount) VALUES (?, ?)", ("x", 1))
        raise RuntimeError("crash")
    with store.transaction(readonly=True) as cursor:
        assert cursor.fetchone("SELECT COUNT(*) FROM t_sample") == (0,)
