"""`union-ledger rebuild` and `union-ledger project` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.application.support import build_app
from tests.projections.histories import record_rich_history
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
    read_store_for,
)
from union_ledger import cli
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
