"""Schemas of unions, relief policies, subscription schedules and API keys."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.schemas.common import (
    NO_NUL,
    Amount,
    AmountOut,
    Count,
    Day,
    DecimalText,
    Flag,
    RequestBody,
    Text,
    Written,
    money_text,
)
from domain.api_keys import Role

Frequency = Literal["annual", "quarterly", "monthly"]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(examples=["UGX"])]


class ScheduleIn(RequestBody):
    frequency: Frequency
    amount: Amount
    grace_days: Annotated[Count, Field(le=366)]


class PolicyIn(RequestBody):
    """A relief policy, in force from `effective_on` (see DESIGN.md, relief entitlement)."""

    sar_multiplier: DecimalText
    sye_multiplier: DecimalText
    cap_per_hazard: Amount | None = None
    waiting_period_days: Count
    require_paid_subscriptions: Flag
    effective_on: Day

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "sar_multiplier": "3", "sye_multiplier": "1", "cap_per_hazard": "500000",
        "waiting_period_days": 90, "require_paid_subscriptions": True,
        "effective_on": "2026-01-01"}]})


class UnionIn(RequestBody):
    code: Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=NO_NUL)]
    name: Text
    currency: Currency
    subscription_schedule: ScheduleIn
    relief_policy: PolicyIn | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "GUL", "name": "Gulu CLUN", "currency": "UGX",
        "subscription_schedule": {"frequency": "annual", "amount": "12000", "grace_days": 30},
    }]})


class UnionCreated(Written):
    id: UUID
    code: str
    name: str
    currency: str


class PolicyOut(BaseModel):
    sar_multiplier: str
    sye_multiplier: str
    cap_per_hazard: AmountOut | None
    waiting_period_days: int
    require_paid_subscriptions: bool
    effective_on: date | None = Field(description="null: in force since the beginning")

    @classmethod
    def of(cls, policy: Any) -> PolicyOut:
        """From a read model's canonical JSON or a domain ReliefPolicy."""
        get = policy.get if isinstance(policy, dict) else lambda name: getattr(policy, name)
        cap = get("cap_per_hazard")
        effective = get("effective_on")
        if isinstance(effective, str):
            effective = date.fromisoformat(effective)
        return cls(
            sar_multiplier=str(get("sar_multiplier")), sye_multiplier=str(get("sye_multiplier")),
            cap_per_hazard=None if cap is None else money_text(cap),
            waiting_period_days=int(str(get("waiting_period_days"))),
            require_paid_subscriptions=bool(get("require_paid_subscriptions")),
            effective_on=None if effective == date.min else effective,
        )


class UnionOut(BaseModel):
    id: UUID
    code: str
    name: str
    currency: str
    groups_count: int
    relief_fund_balance: AmountOut
    sye_deposits_total: AmountOut
    subscriptions_received_total: AmountOut
    relief_policy: PolicyOut


class PolicySet(Written):
    id: UUID = Field(description="The event id of the policy change.")
    relief_policy: PolicyOut


class ScheduleChangeIn(ScheduleIn):
    effective_on: Day


class ScheduleChanged(Written):
    id: UUID
    frequency: Frequency
    amount: AmountOut
    grace_days: int
    effective_on: date


class ApiKeyIn(RequestBody):
    role: Role
    union_id: UUID | None = Field(default=None, description="Required except for admin keys.")
    label: Text

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "role": "accountant", "union_id": "6a1f0c52-8a3e-4d47-9d0b-2f4f3c1e9b10",
        "label": "secretariat accountant"}]})


class ApiKeyCreated(Written):
    id: UUID
    secret: str | None = Field(description="Shown once, here. A replayed request (same "
                               "Idempotency-Key) answers null: the secret is never stored.")
    role: Role
    union_id: UUID | None
    label: str


class ApiKeyOut(BaseModel):
    id: UUID
    role: str
    union_id: UUID | None
    label: str
    issued_on: date
    revoked_on: date | None


class RevokeIn(RequestBody):
    reason: Text


class ApiKeyRevoked(Written):
    id: UUID
    revoked_on: date
