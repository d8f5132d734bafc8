"""A demo accountant key for trying the API locally: issued once, kept beside the data.

`union-ledger serve` calls `ensure_demo_key` in development with the embedded SQLite store
(what `make run` uses): when the ledger holds a union (the demo data, or any other), it
issues an accountant key for the first union by code, keeps its secret in
`<data directory>/demo-accountant.key` (mode 0600) and reuses it on later starts. Never in
production, never with PostgreSQL (a shared database gets no keys behind its admin's back)
or the in-memory store.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

from domain.api_keys import ApiKey, key_id_for, secret_hash
from domain.ledger import Meta
from projections import queries
from union_ledger.core import business_today
from union_ledger.runtime import Runtime, start_runtime
from union_ledger.settings import Settings

DEMO_LABEL = "demo accountant"
KEY_FILE_NAME = "demo-accountant.key"
SECRET_PREFIX = "ul_"
SECRET_BYTES = 32
SYSTEM_META = Meta(actor="system", request_id="demo-access")


@dataclass(frozen=True)
class DemoKey:
    secret: str
    union_id: UUID


def key_file(settings: Settings) -> Path:
    return settings.sqlite_path.parent / KEY_FILE_NAME


def ensure_demo_key(
    settings: Settings, *, clock: Callable[[], date] = business_today
) -> DemoKey | None:
    """The demo accountant key, issued on first use; None when there is no union yet."""
    if settings.environment != "development" or settings.persistence != "sqlite":
        return None
    runtime = start_runtime(settings, background_projection=False, clock=clock)
    try:
        runtime.projector.catch_up()
        with runtime.read() as cursor:
            unions = queries.unions_page(cursor, 1, None)
        if not unions:
            return None
        union_id = UUID(str(unions[0]["id"]))
        path = key_file(settings)
        kept = _kept_secret(runtime, path, union_id)
        return DemoKey(kept or _issue(runtime, path, union_id), union_id)
    finally:
        runtime.close()


def _kept_secret(runtime: Runtime, path: Path, union_id: UUID) -> str | None:
    if not path.exists():
        return None
    secret = path.read_text(encoding="utf-8").strip()
    key = runtime.app.find(key_id_for(secret_hash(secret)), ApiKey)
    if key is None or not key.is_active or key.union_id != union_id:
        return None
    return secret


def _issue(runtime: Runtime, path: Path, union_id: UUID) -> str:
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    runtime.app.issue_api_key(role="accountant", union_id=union_id, label=DEMO_LABEL,
                              secret_hash=secret_hash(secret), meta=SYSTEM_META)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret


def curl_line(key: DemoKey, host: str, port: int) -> str:
    """A ready-to-paste request reading the demo union with the demo key."""
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return (f"curl -H 'Authorization: Bearer {key.secret}' "
            f"http://{shown_host}:{port}/v1/unions/{key.union_id}")
