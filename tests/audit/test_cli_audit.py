"""The audit commands end to end: verify, checkpoint, export and import, with exit codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from tests.application.support import META, build_app, register_demo_group
from tests.support.tamper import delete_event
from union_ledger.cli import main
from union_ledger.settings import eventsourcing_env, load_settings


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small ledger in an SQLite file the commands are configured to use."""
    path = tmp_path / "ledger.sqlite3"
    monkeypatch.setenv("UNION_LEDGER_SQLITE_PATH", str(path))
    monkeypatch.setenv("UNION_LEDGER_CHECKPOINT_KEY", "a-key-the-dba-never-sees")
    monkeypatch.setenv("UNION_LEDGER_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    app = build_app(eventsourcing_env(load_settings(persistence="sqlite", sqlite_path=path)))
    group_id, (akello, _) = register_demo_group(app)
    app.buy_shares(group_id, akello, 3, on=date(2026, 2, 2), meta=META)
    app.close()
    return path


def test_verify_checkpoint_export_import_round_trip(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["verify"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    checkpoint = tmp_path / "pinned.json"
    assert main(["checkpoint", "--output", str(checkpoint)]) == 0
    export = tmp_path / "ledger.jsonl"
    assert main(["export", "--output", str(export)]) == 0
    assert len(export.read_text().splitlines()) == 8  # union: 2 (registered, affiliated); group: 6
    monkeypatch.setenv("UNION_LEDGER_SQLITE_PATH", str(tmp_path / "restored.sqlite3"))
    assert main(["import", str(export)]) == 0
    capsys.readouterr()
    assert main(["verify", "--checkpoint", str(checkpoint)]) == 0
    assert json.loads(capsys.readouterr().out)["checkpoint_problems"] == []


def test_verify_exits_1_and_names_what_a_checkpoint_pinned(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoint = tmp_path / "pinned.json"
    assert main(["checkpoint", "--output", str(checkpoint)]) == 0
    app = build_app(eventsourcing_env(load_settings(persistence="sqlite", sqlite_path=ledger)))
    newest = json.loads(checkpoint.read_text())["heads"]
    group_id, (version, _hash) = max(newest.items(), key=lambda item: item[1][0])
    delete_event(app, UUID(group_id), version)
    app.close()
    capsys.readouterr()
    assert main(["verify", "--checkpoint", str(checkpoint)]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert result["checkpoint_problems"][0]["aggregate_id"] == group_id


def test_import_into_a_store_that_holds_events_is_refused(
    ledger: Path, tmp_path: Path
) -> None:
    export = tmp_path / "ledger.jsonl"
    assert main(["export", "--output", str(export)]) == 0
    assert main(["import", str(export)]) == 1
