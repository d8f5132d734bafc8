"""Union read models: totals, subscriptions by period, hazards and entitlements."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.canonical import canonical_value
from domain.ledger import LedgerAggregate
from domain.relief import Entitlement
from domain.union import Union
from projections.codec import minor, to_json
from projections.store import Cursor

if TYPE_CHECKING:
    from projections.readmodels import Batch

GROUP_EVENTS = (
    Union.SarContributionReceived, Union.SyeDepositReceived, Union.SyeWithdrawn,
    Union.ReliefPayoutMade, Union.SubscriptionReceived,
)
WHOLE_UNION_EVENTS = (Union.ReliefPolicySet, Union.SubscriptionScheduleChanged)


def on_event(cursor: Cursor, event: LedgerAggregate.Event, union: Union, batch: Batch) -> None:
    """Incremental rows, and which entitlements the batch must recompute."""
    uid = union.id
    if isinstance(event, Union.SubscriptionReceived):
        _subscription(cursor, uid, event.group_id, event.period, minor(event.amount))
    elif isinstance(event, Union.EntryReversed) and event.reversed_kind == "subscription":
        if event.group_id is not None and event.period is not None:
            _subscription(cursor, uid, event.group_id, event.period, -minor(event.amount))
    elif isinstance(event, Union.HazardDeclared):
        cursor.execute(
            "INSERT INTO rm_hazards (hazard_id, union_id, kind, description, declared_on, "
            "affected_json) VALUES (?, ?, ?, ?, ?, ?)",
            (str(event.hazard_id), str(uid), event.kind, event.description,
             event.declared_on.isoformat(), to_json(event.affected_group_ids)),
        )
    if isinstance(event, (*WHOLE_UNION_EVENTS, Union.HazardDeclared)):
        batch.all_entitlements.add(uid)
    group_id = getattr(event, "group_id", None)
    if isinstance(event, (*GROUP_EVENTS, Union.EntryReversed)) and isinstance(group_id, UUID):
        batch.entitlement_groups.setdefault(uid, set()).add(str(group_id))


def _subscription(cursor: Cursor, union_id: UUID, group_id: UUID, period: str, amount: int) -> None:
    cursor.execute(
        "INSERT INTO rm_subscriptions (union_id, group_id, period, paid) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (union_id, group_id, period) DO UPDATE SET "
        "paid = rm_subscriptions.paid + excluded.paid",
        (str(union_id), str(group_id), period, amount),
    )


def flush(cursor: Cursor, union: Union, position: int) -> None:
    policy = union.policy_in_force(date.max)
    row = (
        str(union.id), union.code, union.name, union.currency, len(union.affiliations),
        minor(union.relief_fund_balance()), minor(union.sye_liability()),
        minor(union.subscriptions_received_total()), to_json(policy), union.version, position,
    )
    cursor.execute(
        "INSERT INTO rm_unions (union_id, code, name, currency, groups_count, "
        "relief_fund_balance, sye_liability, subscriptions_received_total, relief_policy_json, "
        "version, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (union_id) DO UPDATE SET name = excluded.name, "
        "groups_count = excluded.groups_count, "
        "relief_fund_balance = excluded.relief_fund_balance, "
        "sye_liability = excluded.sye_liability, "
        "subscriptions_received_total = excluded.subscriptions_received_total, "
        "relief_policy_json = excluded.relief_policy_json, version = excluded.version, "
        "position = excluded.position",
        row,
    )


def flush_entitlements(
    cursor: Cursor, union: Union, everything: bool, groups: set[str]
) -> None:
    """Recompute the entitlements a batch may have changed (every term, from the domain)."""
    if not everything and not groups:
        return
    for hazard in union.hazards.values():
        for group_id in hazard.affected_group_ids:
            if everything or str(group_id) in groups:
                _entitlement_row(cursor, union, union.entitlement(hazard.hazard_id, group_id))


def _entitlement_row(cursor: Cursor, union: Union, e: Entitlement) -> None:
    cursor.execute(
        "INSERT INTO rm_entitlements (hazard_id, group_id, union_id, eligible, reasons_json, "
        "sar_standing, sye_balance, base, cap, paid, entitlement, policy_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (hazard_id, group_id) DO UPDATE SET eligible = excluded.eligible, "
        "reasons_json = excluded.reasons_json, sar_standing = excluded.sar_standing, "
        "sye_balance = excluded.sye_balance, base = excluded.base, cap = excluded.cap, "
        "paid = excluded.paid, entitlement = excluded.entitlement, "
        "policy_json = excluded.policy_json",
        (str(e.hazard_id), str(e.group_id), str(union.id), 1 if e.eligible else 0,
         json.dumps(canonical_value(e.reasons)), minor(e.sar_standing), minor(e.sye_balance),
         minor(e.base), None if e.cap is None else minor(e.cap), minor(e.paid),
         minor(e.entitlement), to_json(e.policy)),
    )

