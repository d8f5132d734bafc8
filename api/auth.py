"""Who is calling (bearer API keys) and what they may touch: roles and union tenancy.

Tenancy is decided here and nowhere else: an id in the path (`union_id`, `group_id`,
`aggregate_id`) or a group named in a body is resolved to its union through the
aggregate itself (never a read model that may lag), and anything outside the key's
union answers exactly as an unknown id does, so other unions' ids are never confirmed.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from uuid import UUID

from api.errors import ApiProblem, unauthorized
from domain import errors
from domain.api_keys import ROLES, ApiKey, Role, key_id_for, secret_hash
from domain.ledger import Meta
from union_ledger.application import LedgerApplication
from union_ledger.settings import Settings

BEARER_SECRET_LENGTH_MAX = 256
ADMIN_LABEL = "bootstrap admin (UNION_LEDGER_ADMIN_KEY)"

ADMIN: Role = "admin"
ACCOUNTANT: Role = "accountant"
RELIEF_OFFICER: Role = "relief_officer"
AUDITOR: Role = "auditor"


@dataclass(frozen=True)
class Principal:
    """The key a request was made with."""

    key_id: str
    role: Role
    union_id: UUID | None
    label: str


class Caller:
    """A request's caller: its request id, and its key once the request's checks have
    passed (they run before the endpoint's own code, see api/deps.py); both are stamped on
    every event."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self._principal: Principal | None = None

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            raise RuntimeError("the caller's key was read before the request's checks ran")
        return self._principal

    def admit(self, principal: Principal) -> None:
        self._principal = principal

    @property
    def meta(self) -> Meta:
        return Meta(actor=self.principal.key_id, request_id=self.request_id)


def authenticate(app: LedgerApplication, settings: Settings, secret: str) -> Principal:
    """The principal of a presented secret; 401 for a missing, unknown or revoked key."""
    if not secret or len(secret) > BEARER_SECRET_LENGTH_MAX:
        raise unauthorized("an API key is required: Authorization: Bearer <secret>")
    digest = secret_hash(secret)
    if settings.admin_key is not None:
        admin_digest = secret_hash(settings.admin_key.get_secret_value())
        if hmac.compare_digest(digest.encode(), admin_digest.encode()):
            return Principal(str(key_id_for(digest)), ADMIN, None, ADMIN_LABEL)
    key = app.find(key_id_for(digest), ApiKey)
    if key is None or not key.matches(digest) or not key.is_active:
        raise unauthorized("unknown or revoked API key")
    role = next((r for r in ROLES if r == key.role), None)
    if role is None:  # pragma: no cover - the aggregate only issues known roles
        raise errors.InvariantViolation(f"API key {key.id} has an unknown role")
    return Principal(str(key.id), role, key.union_id, key.label)


def authorize(
    app: LedgerApplication, principal: Principal, roles: Collection[Role],
    path_params: Mapping[str, str],
) -> None:
    """403 when the role may not use the route; 404 when a path id is outside its union."""
    if principal.role not in roles:
        raise ApiProblem(
            403, "forbidden", f"the {principal.role} role may not use this endpoint",
            allowed_roles=sorted(roles),
        )
    if principal.role == ADMIN:
        return
    if "union_id" in path_params:
        require_union(principal, path_params["union_id"])
    if "group_id" in path_params:
        require_group(app, principal, path_params["group_id"])
    if "aggregate_id" in path_params:
        require_aggregate(app, principal, path_params["aggregate_id"])


def require_union(principal: Principal, raw_id: str) -> None:
    if principal.role != ADMIN and _uuid(raw_id) != principal.union_id:
        raise union_not_found(raw_id)


def require_group(app: LedgerApplication, principal: Principal, raw_id: str) -> None:
    if principal.role == ADMIN:
        return
    group_id = _uuid(raw_id)
    union_id = app.union_of_group(group_id) if group_id is not None else None
    if union_id is None or union_id != principal.union_id:
        raise group_not_found(raw_id)


def require_group_in_union(app: LedgerApplication, group_id: UUID, union_id: UUID) -> None:
    """A group named in a body must belong to the union of the path, or it is unknown."""
    if app.union_of_group(group_id) != union_id:
        raise group_not_found(str(group_id))


def require_aggregate(app: LedgerApplication, principal: Principal, raw_id: str) -> None:
    aggregate_id = _uuid(raw_id)
    owner = app.owner_union(aggregate_id) if aggregate_id is not None else None
    if principal.role != ADMIN and (owner is None or owner != principal.union_id):
        raise aggregate_not_found(raw_id)


def union_not_found(raw_id: str) -> errors.UnionNotFound:
    return errors.UnionNotFound(f"union {raw_id} not found", id=raw_id)


def group_not_found(raw_id: str) -> errors.GroupNotFound:
    return errors.GroupNotFound(f"group {raw_id} not found", id=raw_id)


def aggregate_not_found(raw_id: str) -> ApiProblem:
    return ApiProblem(404, "aggregate_not_found", f"aggregate {raw_id} not found", id=raw_id)


def _uuid(raw_id: str) -> UUID | None:
    try:
        return UUID(raw_id)
    except ValueError:
        return None
