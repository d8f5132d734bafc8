"""FastAPI dependencies: the runtime, the caller's key, role checks, pages and freshness."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import (
    ACCOUNTANT,
    ADMIN,
    AUDITOR,
    RELIEF_OFFICER,
    Caller,
    Principal,
    authenticate,
    authorize,
)
from api.errors import ApiProblem, request_id_of
from api.idempotency import Command, fingerprint
from api.pagination import POSITION_MAX, PageRequest, invalid_parameter, page_request
from domain.api_keys import Role
from union_ledger.runtime import Runtime

IDEMPOTENCY_KEY_CHARACTERS = frozenset(map(chr, range(0x21, 0x7F)))
RETRY_AFTER_S = 1

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ul_…`")


async def runtime(request: Request) -> Runtime:
    """The started runtime. `async`: no I/O here, so no trip through the thread pool."""
    found = getattr(request.app.state, "runtime", None)
    if not isinstance(found, Runtime):  # pragma: no cover - the lifespan sets it
        raise RuntimeError("the application was not started (no runtime in app.state)")
    return found


Rt = Annotated[Runtime, Depends(runtime)]


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def current_key(request: Request, rt: Runtime, credentials: HTTPAuthorizationCredentials | None
                ) -> Principal:
    """The caller's key. Called by `Reading` and `Writing` inside their own call (one trip
    through the thread pool per request for both, not one each)."""
    principal = authenticate(rt.app, rt.settings, credentials.credentials if credentials else "")
    request.state.key_id = principal.key_id  # for the request log: the id, never the secret
    return principal

MinPosition = Annotated[int | None, Query(
    ge=0, le=POSITION_MAX, description="Answer only once the read models include this log position "
    "(the `position` of a write); 503 with Retry-After after a bounded wait.")]


def wait_for_position(rt: Runtime, position: int) -> None:
    """Until the read models include `position`. A position beyond the log's newest was
    never answered by a write: waiting cannot help, so it is refused at once (422)."""
    if rt.projector.position() >= position:
        return
    if position > rt.app.position():
        raise invalid_parameter("min_position", "is beyond the newest position of the log")
    if not rt.projector.wait_for(position, rt.settings.read_wait_timeout_s):
        raise ApiProblem(
            503, "projection_lagging",
            f"the read models have not reached position {position} yet; retry shortly",
            headers={"Retry-After": str(RETRY_AFTER_S)}, min_position=position,
        )


class Reading:
    """A read for these roles: authorised, inside the key's union, fresh enough."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(
        self, request: Request, rt: Rt, credentials: Credentials,
        min_position: MinPosition = None,
    ) -> Caller:
        key = current_key(request, rt, credentials)
        authorize(rt.app, key, self.roles, request.path_params)
        if min_position is not None:
            wait_for_position(rt, min_position)
        return Caller(key, request_id_of(request))


async def request_hash(request: Request) -> str:
    """The fingerprint an idempotent replay must match (method, path, canonical body)."""
    return fingerprint(request.method, request.url.path, await request.body())


IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", description="Any unique string per intended operation (at "
    "most UNION_LEDGER_IDEMPOTENCY_KEY_LENGTH_MAX characters): a retry with the same key "
    "and body returns the original answer and books nothing.")]


class Writing:
    """A write for these roles: authorised, in the key's union, run once per key."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(
        self, request: Request, rt: Rt, credentials: Credentials,
        request_fingerprint: Annotated[str, Depends(request_hash)],
        idempotency_key: IdempotencyKey = None,
    ) -> Command:
        key = current_key(request, rt, credentials)
        authorize(rt.app, key, self.roles, request.path_params)
        if idempotency_key is not None:
            length_max = rt.settings.idempotency_key_length_max
            if not 1 <= len(idempotency_key) <= length_max or not set(idempotency_key) <= (
                IDEMPOTENCY_KEY_CHARACTERS
            ):
                raise invalid_parameter(
                    "Idempotency-Key", f"1 to {length_max} printable ASCII characters")
        return Command(rt, Caller(key, request_id_of(request)), idempotency_key,
                       request_fingerprint)


async def page(  # no I/O: `async`, so no trip through the thread pool
    rt: Rt,
    limit: Annotated[int | None, Query(description="Page size (default and maximum are "
                                       "settings: 100 and 1000).")] = None,
    cursor: Annotated[str | None, Query(max_length=512, description="The `next` of the "
                                        "previous page.")] = None,
) -> PageRequest:
    settings = rt.settings
    return page_request(limit, cursor, settings.page_size_default, settings.page_size_max)


Page = Annotated[PageRequest, Depends(page)]

EVERYONE = (ADMIN, ACCOUNTANT, RELIEF_OFFICER, AUDITOR)
BOOKS = (ADMIN, ACCOUNTANT, AUDITOR)

# Who may read: everyone in the union for the union, its groups, hazards and entitlements;
# the books (statements, journals, balances, indicators) are not the relief officer's.
AnyReader = Annotated[Caller, Depends(Reading(*EVERYONE))]
BookReader = Annotated[Caller, Depends(Reading(*BOOKS))]
AuditReader = Annotated[Caller, Depends(Reading(ADMIN, AUDITOR))]
AdminReader = Annotated[Caller, Depends(Reading(ADMIN))]

# Who may write: the accountant records a union's books; the relief officer declares
# hazards and pays relief; the admin does everything, and alone manages unions and keys.
Recorder = Annotated[Command, Depends(Writing(ADMIN, ACCOUNTANT))]
ReliefWriter = Annotated[Command, Depends(Writing(ADMIN, RELIEF_OFFICER))]
AdminWriter = Annotated[Command, Depends(Writing(ADMIN))]
