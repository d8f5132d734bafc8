"""Upgrading an event's schema (upcasting) changes how old records are read, never the
records themselves: their hashes still verify."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain import group_events
from tests.application.support import META, build_app, register_demo_group
from union_ledger.audit import verify
from union_ledger.settings import eventsourcing_env, load_settings


@pytest.fixture
def fine_v2() -> Iterator[None]:
    """FineCharged, version 2: a `category` field; version-1 records read as 'other'."""
    cls: Any = group_events.FineCharged

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["category"] = "other"

    cls.class_version = 2
    cls.upcast_v1_v2 = staticmethod(upcast_v1_v2)
    try:
        yield
    finally:
        del cls.class_version
        del cls.upcast_v1_v2


def test_old_records_are_upcast_on_reading_and_still_verify(
    tmp_path: Path, fine_v2: None
) -> None:
    env = eventsourcing_env(load_settings(persistence="sqlite", sqlite_path=tmp_path / "l.db"))
    with pytest.MonkeyPatch.context() as patch:
        # Record a version-1 fine: as the code was before the upgrade.
        patch.delattr(group_events.FineCharged, "class_version")
        app = build_app(env)
        group_id, (akello, _) = register_demo_group(app)
        app.charge_fine(group_id, akello, "500", "late", on=date(2026, 2, 2), meta=META)
        app.close()
    upgraded = build_app(env)
    try:
        fines = [e for e in upgraded.events.get(group_id)
                 if isinstance(e, group_events.FineCharged)]
        assert [getattr(e, "category", None) for e in fines] == ["other"]
        assert verify(upgraded).ok
    finally:
        upgraded.close()
