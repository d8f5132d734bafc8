"""Settings validation and the eventsourcing environment each persistence choice produces."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from union_ledger.settings import POSTGRES_TUNING, eventsourcing_env, load_settings

STRONG_KEY = "k3Y-9fQz-Lw2m-Xr7b-Tn4c-Hs8d"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "UNION_LEDGER_PERSISTENCE", "UNION_LEDGER_SQLITE_PATH", "UNION_LEDGER_POSTGRES_URL",
        "UNION_LEDGER_POSTGRES_SCHEMA", "UNION_LEDGER_SNAPSHOT_INTERVAL",
        "UNION_LEDGER_ADMIN_KEY", "UNION_LEDGER_ENVIRONMENT",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_an_embedded_sqlite_file() -> None:
    settings = load_settings()
    assert settings.persistence == "sqlite"
    assert settings.sqlite_path == Path("var/union-ledger.sqlite3")
    assert settings.snapshot_interval == 50
    assert settings.environment == "development"


def test_settings_come_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNION_LEDGER_PERSISTENCE", "memory")
    monkeypatch.setenv("UNION_LEDGER_SNAPSHOT_INTERVAL", "50")
    settings = load_settings()
    assert (settings.persistence, settings.snapshot_interval) == ("memory", 50)
    assert load_settings(snapshot_interval=7).snapshot_interval == 7


@pytest.mark.parametrize(
    "overrides",
    [
        {"snapshot_interval": 1},
        {"persistence": "mysql"},
        {"postgres_schema": "Bad-Name"},
        {"postgres_url": "postgresql://h/db?sslmode=require"},
        {"postgres_url": "postgresql://user@host:5432"},
        {"unknown_setting": "x"},
    ],
)
def test_invalid_settings_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        load_settings(**overrides)


@pytest.mark.parametrize("key", ["short-key", "changeme", "a" * 30, "ChangeMe-ChangeMe-ChangeMe"])
def test_production_refuses_weak_admin_keys(key: str) -> None:
    with pytest.raises(ValidationError, match="ADMIN_KEY"):
        load_settings(environment="production", admin_key=key)


def test_production_accepts_a_strong_admin_key_and_development_any() -> None:
    settings = load_settings(environment="production", admin_key=STRONG_KEY)
    assert settings.admin_key is not None
    assert settings.admin_key.get_secret_value() == STRONG_KEY
    assert STRONG_KEY not in repr(settings)
    assert load_settings(admin_key="dev").admin_key is not None


def test_database_url_is_not_in_repr() -> None:
    settings = load_settings(postgres_url="postgresql://u:hunter2@h/db")
    assert "hunter2" not in repr(settings)


def test_memory_env() -> None:
    env = eventsourcing_env(load_settings(persistence="memory"))
    assert env == {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def test_sqlite_env_creates_the_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "ledger.sqlite3"
    env = eventsourcing_env(load_settings(persistence="sqlite", sqlite_path=path))
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(path)
    assert int(env["SQLITE_LOCK_TIMEOUT"]) > 0
    assert path.parent.is_dir()


def test_postgres_env_from_url() -> None:
    settings = load_settings(
        persistence="postgres",
        postgres_url="postgresql://ledger:s%40cret@db.example:6543/books",
        postgres_schema="ledger",
    )
    env = eventsourcing_env(settings, environ={})
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert env["POSTGRES_DBNAME"] == "books"
    assert env["POSTGRES_HOST"] == "db.example"
    assert env["POSTGRES_PORT"] == "6543"
    assert env["POSTGRES_USER"] == "ledger"
    assert env["POSTGRES_PASSWORD"] == "s@cret"
    assert env["POSTGRES_SCHEMA"] == "ledger"
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in env
    assert set(POSTGRES_TUNING) <= set(env)


def test_postgres_without_url_leaves_the_library_variables_alone() -> None:
    operator = {"POSTGRES_DBNAME": "ops", "POSTGRES_HOST": "pg", "POSTGRES_POOL_SIZE": "20"}
    env = eventsourcing_env(load_settings(persistence="postgres"), environ=operator)
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    for name in ("POSTGRES_DBNAME", "POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_PASSWORD"):
        assert name not in env
    assert "POSTGRES_POOL_SIZE" not in env  # the operator's value stays in force
    assert "POSTGRES_SCHEMA" not in env
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in env
