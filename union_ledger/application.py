"""The union-ledger application service: every use case, one event-sourced application."""

from __future__ import annotations

from typing import Any

from domain.group import Group
from domain.group_state import SNAPSHOT_TYPES as GROUP_STATE_TYPES
from domain.union import SNAPSHOT_TYPES as UNION_STATE_TYPES
from domain.union import Union
from union_ledger.group_cases import GroupCases
from union_ledger.key_cases import KeyCases
from union_ledger.union_cases import UnionCases


class LedgerApplication(GroupCases, UnionCases, KeyCases):
    """Groups, unions and API keys as event-sourced aggregates; snapshots keep hot ones quick
    to load."""

    def _snapshot_intervals(self, interval: int) -> dict[type[Any], int]:
        return {Group: interval, Union: interval}

    def snapshot_state_types(self) -> tuple[type, ...]:
        return GROUP_STATE_TYPES + UNION_STATE_TYPES
