"""Export → import into a fresh database → verify ok → identical aggregates and books."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from projections import queries
from projections.store import SqliteReadStore
from tests.application.support import META, build_app, register_demo_group, register_union
from union_ledger.application import LedgerApplication
from union_ledger.audit import verify
from union_ledger.exchange import StoreNotEmpty, export_lines, import_lines, write_export
from union_ledger.readside import build_projector
from union_ledger.settings import eventsourcing_env, load_settings


def _sqlite_app(path: Path) -> LedgerApplication:
    return build_app(eventsourcing_env(load_settings(persistence="sqlite", sqlite_path=path)))


@pytest.fixture
def source(database_env: dict[str, str]) -> Iterator[LedgerApplication]:
    application = build_app(database_env)
    try:
        yield application
    finally:
        application.close()


def _history(app: LedgerApplication) -> tuple[UUID, UUID]:
    union_id = register_union(app, "ONE")
    group_id, (akello, okot) = register_demo_group(app, union_id)
    app.buy_shares(group_id, akello, 5, on=date(2026, 2, 2), meta=META)
    app.buy_shares(group_id, okot, 1, on=date(2026, 2, 2), meta=META)
    loan = app.disburse_loan(group_id, okot, "2000", 1, on=date(2026, 2, 2), meta=META)
    app.repay_loan(group_id, loan.value.loan_id, "1000", on=date(2026, 2, 9), meta=META)
    app.contribute_sar(group_id, "3000", on=date(2026, 2, 9), meta=META)
    app.deposit_sye(group_id, "2000", on=date(2026, 2, 9), meta=META)
    return union_id, group_id


def _books(app: LedgerApplication, book_ids: list[UUID]) -> list[queries.Record | None]:
    store = SqliteReadStore(":memory:")
    projector = build_projector(app, store)
    projector.catch_up()
    with store.transaction(readonly=True) as cursor:
        books = [queries.trial_balance(cursor, str(b), None) for b in book_ids]
    store.close()
    return books


def test_export_then_import_reproduces_aggregates_chains_and_books(
    source: LedgerApplication, tmp_path: Path
) -> None:
    union_id, group_id = _history(source)
    exported = io.StringIO()
    summary = write_export(source, exported)
    assert summary.events == source.position()
    target = _sqlite_app(tmp_path / "imported.sqlite3")
    try:
        imported = import_lines(target, exported.getvalue().splitlines())
        assert imported.events == summary.events
        assert verify(target).ok
        for aggregate_id in (union_id, group_id):
            original: object = source.repository.get(aggregate_id)
            copy: object = target.repository.get(aggregate_id)
            assert copy.__dict__ == original.__dict__
        assert _books(target, [union_id, group_id]) == _books(source, [union_id, group_id])
    finally:
        target.close()


def test_one_unions_export_holds_only_that_union(
    source: LedgerApplication, tmp_path: Path
) -> None:
    union_id, group_id = _history(source)
    other_union = register_union(source, "TWO")
    other_group, _ = register_demo_group(source, other_union)
    lines = list(export_lines(source, union_id))
    target = _sqlite_app(tmp_path / "one-union.sqlite3")
    try:
        import_lines(target, lines)
        assert verify(target).ok
        assert target.load_group(group_id).union_id == union_id
        assert other_group not in target.repository
        assert other_union not in target.repository
    finally:
        target.close()


def test_import_refuses_a_store_that_is_not_empty(source: LedgerApplication) -> None:
    _history(source)
    lines = list(export_lines(source))
    with pytest.raises(StoreNotEmpty):
        import_lines(source, lines)


def test_the_auditors_own_script_recomputes_every_chain(
    source: LedgerApplication, tmp_path: Path
) -> None:
    """docs/verify_chain.py (standard library only) agrees with `verify`, both ways."""
    _history(source)
    export = tmp_path / "export.jsonl"
    with export.open("w", encoding="utf-8") as out:
        write_export(source, out)
    script = Path(__file__).parents[2] / "docs" / "verify_chain.py"
    result = subprocess.run([sys.executable, str(script), str(export)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK: {source.position()} events")
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text(export.read_text().replace('\\"20000\\"', '\\"20001\\"', 1))
    result = subprocess.run([sys.executable, str(script), str(tampered)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
