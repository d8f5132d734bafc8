"""Runtime settings (UNION_LEDGER_* variables) and the persistence environment they imply."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from eventsourcing.utils import Environment
from psycopg import ProgrammingError
from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Persistence = Literal["sqlite", "postgres", "memory"]
DeploymentEnvironment = Literal["development", "production"]

ADMIN_KEY_LENGTH_MIN = 24

# Values people paste from examples. Compared case-insensitively.
WEAK_ADMIN_KEYS = frozenset(
    {
        "admin", "administrator", "changeme", "change-me", "change_me", "changethis",
        "default", "dev", "development", "example", "letmein", "password", "passw0rd",
        "root", "secret", "supersecret", "test", "union-ledger", "union_ledger",
        "changeme-changeme-changeme", "secret-secret-secret-secret",
        "dev-admin-key-change-me-please", "admin-key-change-me-in-production",
    }
)

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

# Connection parameters of a URL the library passes on to libpq; anything else in the URL
# (sslmode, options, ...) would be silently dropped, so it is refused instead.
URL_PARAMETERS = frozenset({"dbname", "host", "port", "user", "password", "connect_timeout"})

SQLITE_LOCK_TIMEOUT_S = 10

# Bounded defaults for the library's PostgreSQL pool. An operator overrides any of them
# with the library's own variable of the same name.
POSTGRES_TUNING: dict[str, str] = {
    "POSTGRES_CONNECT_TIMEOUT": "10",  # seconds to get a connection
    "POSTGRES_POOL_SIZE": "5",
    "POSTGRES_MAX_OVERFLOW": "10",
    "POSTGRES_MAX_WAITING": "100",  # requests queued for a connection before refusing
    "POSTGRES_CONN_MAX_AGE": "1800",  # seconds before a connection is recycled
    "POSTGRES_PRE_PING": "y",  # survive a server restart without a failed request
    "POSTGRES_LOCK_TIMEOUT": "5",  # seconds a writer waits for the table lock
    "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "5",  # seconds
}


# Events between a small aggregate's snapshots (more for a large state: see
# snapshot_spacing.py). A cold load decodes the latest snapshot and replays the events
# after it; since a group's snapshot leaves its closed entries out and holds its open
# ones as one table, a state of about a thousand records decodes in about the time 50
# events take to replay (docs/PERFORMANCE.md), so 50 keeps the replay within the decode.
SNAPSHOT_INTERVAL_DEFAULT = 50


class Settings(BaseSettings):
    """Every setting of a union-ledger process. Build it with `load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="UNION_LEDGER_", extra="forbid", frozen=True, validate_default=True
    )

    persistence: Persistence = "sqlite"
    sqlite_path: Path = Path("var/union-ledger.sqlite3")
    postgres_url: str | None = Field(default=None, repr=False)
    postgres_schema: str | None = None
    snapshot_interval: int = Field(default=SNAPSHOT_INTERVAL_DEFAULT, ge=2)
    admin_key: SecretStr | None = None
    environment: DeploymentEnvironment = "development"
    # --- HTTP API: limits on everything a client sends or waits for ---
    request_body_bytes_max: int = Field(default=1_048_576, ge=1024, le=67_108_864)
    page_size_default: int = Field(default=100, ge=1, le=10_000)
    page_size_max: int = Field(default=1000, ge=1, le=10_000)
    meeting_entries_max: int = Field(default=500, ge=1, le=500)
    idempotency_key_length_max: int = Field(default=200, ge=16, le=1000)
    read_wait_timeout_s: float = Field(default=5.0, gt=0, le=30)
    ready_lag_events_max: int = Field(default=1000, ge=0)
    audit_scan_events_max: int = Field(default=10_000, ge=100, le=1_000_000)
    # Signs audit checkpoints; keep it outside the database (and away from its admins).
    checkpoint_key: SecretStr | None = None
    checkpoint_dir: Path = Path("var/checkpoints")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("postgres_url")
    @classmethod
    def _parse_postgres_url(cls, value: str | None) -> str | None:
        if value is not None:
            postgres_connection(value)
        return value

    @field_validator("postgres_schema")
    @classmethod
    def _check_schema(cls, value: str | None) -> str | None:
        if value is not None and not SCHEMA_NAME.fullmatch(value):
            raise ValueError(
                "postgres_schema must be a lower-case SQL identifier (letters, digits, _)"
            )
        return value

    @model_validator(mode="after")
    def _check_page_sizes(self) -> Settings:
        if self.page_size_default > self.page_size_max:
            raise ValueError("page_size_default must not exceed page_size_max")
        return self

    @model_validator(mode="after")
    def _refuse_weak_admin_key_in_production(self) -> Settings:
        if self.environment != "production" or self.admin_key is None:
            return self
        key = self.admin_key.get_secret_value()
        if len(key) < ADMIN_KEY_LENGTH_MIN:
            raise ValueError(
                f"UNION_LEDGER_ADMIN_KEY must be at least {ADMIN_KEY_LENGTH_MIN} characters "
                "in production"
            )
        if key.strip().lower() in WEAK_ADMIN_KEYS or len(set(key)) < 8:
            raise ValueError("UNION_LEDGER_ADMIN_KEY is a well-known or trivial value")
        return self


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from UNION_LEDGER_* variables; keyword overrides win."""
    return Settings(**overrides)


def postgres_connection(url: str) -> dict[str, str]:
    """Split a libpq URL into the library's POSTGRES_* variables; refuses what it would drop."""
    try:
        parts = {key: str(value) for key, value in conninfo_to_dict(url).items()}
    except ProgrammingError:
        # psycopg's message may quote parts of the URL, password included: not repeated.
        raise ValueError(
            "postgres_url is not a libpq URL like postgresql://user:password@host:5432/dbname"
        ) from None
    unsupported = sorted(set(parts) - URL_PARAMETERS)
    if unsupported:
        raise ValueError(
            f"postgres_url parameters {unsupported} are not supported; "
            "set them with libpq's PG* environment variables (e.g. PGSSLMODE) instead"
        )
    if not parts.get("dbname"):
        raise ValueError("postgres_url must name a database")
    connection = {
        "POSTGRES_DBNAME": parts["dbname"],
        "POSTGRES_HOST": parts.get("host", ""),  # empty: libpq's default socket
        "POSTGRES_PORT": parts.get("port", "5432"),
        "POSTGRES_USER": parts.get("user", ""),
        "POSTGRES_PASSWORD": parts.get("password", ""),
    }
    if "connect_timeout" in parts:
        connection["POSTGRES_CONNECT_TIMEOUT"] = parts["connect_timeout"]
    return connection


def eventsourcing_env(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The `env` for an eventsourcing `Application` using the configured persistence.

    `environ` (default: the process environment) is what the library will also read;
    values it already holds for the library's tuning variables are left to win.
    For SQLite the parent directory of the database file is created.
    """
    if settings.persistence == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if settings.persistence == "sqlite":
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_TIMEOUT_S),
        }
    return _postgres_env(settings, os.environ if environ is None else environ)


def library_view(env: Mapping[str, str], application_name: str) -> Environment:
    """The variables an `Application` named `application_name` and given `env` reads:
    `env` over the process's environment, as the library merges them, each looked up
    under the application's name first (`LEDGERAPPLICATION_POSTGRES_HOST` before
    `POSTGRES_HOST` for the ledger), as the library looks them up."""
    return Environment(application_name, {**os.environ, **env})


# libpq's connection parameters, from the library's POSTGRES_* variables of the same name.
CONNINFO_VARIABLES = {"dbname": "POSTGRES_DBNAME", "host": "POSTGRES_HOST",
                      "port": "POSTGRES_PORT", "user": "POSTGRES_USER",
                      "password": "POSTGRES_PASSWORD"}


def postgres_conninfo(env: Mapping[str, str]) -> dict[str, str]:
    """libpq parameters for the connections the ledger opens itself (the set-up lock, the
    read models, the projector's wake-up), from the variables the library's own pool
    connects with (`library_view`), so that all of them reach the same database. Unset or
    empty variables are left to libpq's defaults, as the library leaves them."""
    found = {key: env.get(name) for key, name in CONNINFO_VARIABLES.items()}
    params = {key: value for key, value in found.items() if value}
    params["connect_timeout"] = env.get("POSTGRES_CONNECT_TIMEOUT") or "10"  # never hang
    return params


def _postgres_env(settings: Settings, environ: Mapping[str, str]) -> dict[str, str]:
    # Without a URL, the library reads the operator's own POSTGRES_* variables, so
    # nothing here may shadow them. POSTGRES_ENABLE_DB_FUNCTIONS is never set: the
    # plain INSERT path is the one the tests exercise.
    env = {"PERSISTENCE_MODULE": "eventsourcing.postgres"}
    env.update({key: value for key, value in POSTGRES_TUNING.items() if key not in environ})
    if settings.postgres_url is not None:
        env.update(postgres_connection(settings.postgres_url))
    if settings.postgres_schema is not None:
        env["POSTGRES_SCHEMA"] = settings.postgres_schema
    return env
