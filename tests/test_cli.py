"""Exit codes of the `union-ledger` command line and the health endpoint it serves."""

from __future__ import annotations

import sys
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.errors import CycleAlreadyOpen
from union_ledger import cli
from union_ledger.settings import Settings, load_settings


def fake_demo(monkeypatch: pytest.MonkeyPatch, seed: object) -> None:
    module = ModuleType("union_ledger.demo")
    module.seed_demo = seed  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "union_ledger.demo", module)


@pytest.mark.parametrize(
    "argv", [["--help"], ["serve", "--help"], ["demo", "--help"], ["seed", "--help"]]
)
def test_help_exits_zero(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 0
    assert "usage: union-ledger" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        [], ["nonsense"], ["serve", "--port", "0"], ["serve", "--workers", "x"], ["seed"],
        ["seed", "--groups", "0", "--weeks", "1"], ["seed", "--groups", "1", "--weeks", "x"],
    ],
)
def test_usage_errors_exit_two(argv: list[str]) -> None:
    assert cli.main(argv) == 2


def test_invalid_configuration_exits_two(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNION_LEDGER_POSTGRES_URL", "postgresql://u:hunter2@h/db?sslmode=x")
    assert cli.main(["demo"]) == 2
    error = capsys.readouterr().err
    assert "UNION_LEDGER_POSTGRES_URL" in error
    assert "hunter2" not in error


def test_demo_runs_seed_demo_with_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[Settings] = []
    fake_demo(monkeypatch, lambda settings, **_: received.append(settings))
    monkeypatch.setenv("UNION_LEDGER_PERSISTENCE", "memory")
    assert cli.main(["demo"]) == 0
    assert [settings.persistence for settings in received] == ["memory"]


def test_a_domain_refusal_exits_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(settings: Settings, **_: object) -> None:
        raise CycleAlreadyOpen("cycle 1 is still open")

    fake_demo(monkeypatch, refuse)
    assert cli.main(["demo"]) == 1
    assert "cycle 1 is still open" in capsys.readouterr().err


def test_health() -> None:
    with TestClient(create_app(load_settings(persistence="memory"))) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
