"""`union-ledger rebuild` and `union-ledger project` from the command line."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from projections.store import SqliteReadStore
from tests.application.support import build_app
from tests.projections.histories import record_rich_history
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
    projector_for,
    read_store_for,
)
from union_ledger import cli, cli_readside
from union_ledger.collector import _freeze_survivors
from union_ledger.settings import eventsourcing_env, load_settings


@pytest.mark.parametrize("command", ["project", "rebuild"])
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([command, "--help"]) == 0
    assert f"usage: union-ledger {command}" in capsys.readouterr().out


def test_rebuild_rebuilds_every_read_model_and_sums_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ledger.sqlite3"
    env = eventsourcing_env(load_settings(persistence="sqlite", sqlite_path=path))
    app = build_app(env)
    store = read_store_for(env)
    try:
        record_rich_history(app)
        monkeypatch.setenv("UNION_LEDGER_PERSISTENCE", "sqlite")
        monkeypatch.setenv("UNION_LEDGER_SQLITE_PATH", str(path))
        assert cli.main(["rebuild"]) == 0
        out, err = capsys.readouterr()
        assert f"rebuilt every read model: {app.position()} events in " in out
        assert out.rstrip().endswith("events/s)")
        assert "rebuild" in err and "100%" in err  # the bar (stderr is no terminal here)
        assert_same_read_models(dump_read_models(store), dump_read_models(
            fresh_projection(app)))
    finally:
        store.close()
        app.close()


@pytest.mark.parametrize("command", ["project", "rebuild"])
def test_the_in_memory_store_is_refused(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNION_LEDGER_PERSISTENCE", "memory")
    assert cli.main([command]) == 2
    assert "in-memory" in capsys.readouterr().err


@pytest.mark.parametrize("interval", ["0", "x", "7200"])
def test_project_refuses_a_silly_lag_interval(interval: str) -> None:
    assert cli.main(["project", "--lag-interval", interval]) == 2


@pytest.mark.parametrize("command", ["project", "rebuild"])
def test_the_projecting_commands_freeze_what_full_collections_leave(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their projector keeps every aggregate it folded: full garbage collections must not
    walk all of them again each time (union_ledger/collector.py)."""
    monkeypatch.setenv("UNION_LEDGER_PERSISTENCE", "sqlite")
    monkeypatch.setenv("UNION_LEDGER_SQLITE_PATH", str(tmp_path / "ledger.sqlite3"))
    followed: list[float] = []
    monkeypatch.setattr(cli_readside, "follow",
                        lambda runtime, stop, interval: followed.append(interval))
    assert _freeze_survivors not in gc.callbacks  # (tests/conftest.py takes it out again)
    assert cli.main([command]) == 0
    assert gc.callbacks.count(_freeze_survivors) == 1
    assert followed == ([cli_readside.LAG_INTERVAL_DEFAULT_S] if command == "project" else [])


def test_the_aggregates_a_projector_keeps_hold_no_reference_cycles() -> None:
    """Why freezing is safe there: an aggregate dropped from the projector's cache is freed
    by reference counting alone, so none becomes garbage that only a collection of the
    (frozen) oldest generation could find."""
    app = build_app(eventsourcing_env(load_settings(persistence="memory")))
    store = SqliteReadStore(":memory:")
    try:
        history = record_rich_history(app)
        projector = projector_for(app, store, batch_size=40)  # aggregates carried over
        projector.catch_up()
        kept = list(projector._states.values())
        assert {a.id for a in kept} >= {history.union_id, history.closed_group,
                                        history.open_group}
        freed = [weakref.ref(aggregate) for aggregate in kept]
        gc.collect()
        gc.disable()
        try:
            projector._states.clear()
            del kept
            assert all(ref() is None for ref in freed)
            assert gc.collect() == 0
        finally:
            gc.enable()
    finally:
        store.close()
        app.close()
