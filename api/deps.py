"""FastAPI dependencies: the runtime, the caller's key, role checks, pages and freshness.

A request's checks (its key, role, union, freshness and Idempotency-Key) need the store,
so they run in the thread pool, and so does every endpoint of ours (plain `def`). FastAPI
sends each plain `def` dependency and the endpoint to the pool separately: two hand-overs
per request, each costing the event loop's thread and the pool's threads a wake-up and a
turn at the interpreter. Here the dependencies that check are `async` and only *register*
their checks (a `Guard`); `GuardedRoute` runs them at the start of the endpoint's own trip
through the pool, before the endpoint's code. What the caller sees is unchanged: the
checks still come first, and a request refused before its endpoint ran (a malformed body,
a bad cursor) still has its key checked first, so a caller without a valid key learns
nothing about the request. A guarded dependency on a route that is not a `GuardedRoute`
fails at once rather than skipping its checks.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from functools import wraps
from inspect import iscoroutinefunction
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

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

# The guards of the request being handled: set by GuardedRoute's handler, seen by the
# dependencies it resolves and (a copy of the context) by the endpoint's thread.
_GUARDS: ContextVar[list[Guard] | None] = ContextVar("request_guards", default=None)


class Guard:
    """One dependency's checks of a request, run once, before the endpoint's code."""

    def __init__(self, check: Callable[[], None]) -> None:
        guards = _GUARDS.get()
        if guards is None:
            raise RuntimeError("a checked dependency on a route that is not a GuardedRoute: "
                               "its checks would never run")
        self._check = check
        self._error: Exception | None = None
        self.passed = False
        guards.append(self)

    @property
    def pending(self) -> bool:
        return not self.passed and self._error is None

    def run(self) -> None:
        """The checks, once: passed, or raising their refusal (again on each call)."""
        if self._error is not None:
            raise self._error
        if self.passed:
            return
        try:
            self._check()
        except Exception as error:
            self._error = error
            raise
        self.passed = True


def run_guards() -> None:
    """Every check registered for the request being handled, in order."""
    for guard in _GUARDS.get() or ():
        guard.run()


def _guarded(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint, running the request's checks first (in its own thread-pool trip)."""
    if getattr(endpoint, "__guarded__", False):
        return endpoint
    wrapper: Callable[..., Any]
    if iscoroutinefunction(endpoint):
        @wraps(endpoint)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            if any(guard.pending for guard in _GUARDS.get() or ()):
                await run_in_threadpool(run_guards)  # the checks need the store
            return await endpoint(*args, **kwargs)

        wrapper = run_async
    else:
        @wraps(endpoint)
        def run(*args: Any, **kwargs: Any) -> Any:
            run_guards()
            return endpoint(*args, **kwargs)

        wrapper = run
    setattr(wrapper, "__guarded__", True)  # noqa: B010 - a mark on a function
    return wrapper


class GuardedRoute(APIRoute):
    """A route whose checking dependencies run in its endpoint's thread-pool trip."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _guarded(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            guards: list[Guard] = []
            token = _GUARDS.set(guards)
            try:
                return await handler(request)
            except Exception:
                # Refused before the endpoint ran: the caller's key is still checked
                # first, and its refusal is the answer.
                if any(guard.pending for guard in guards):
                    await run_in_threadpool(run_guards)
                raise
            finally:
                _GUARDS.reset(token)

        return handle


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
    """The caller's key, checked by the guards of `Reading` and `Writing`."""
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

    async def __call__(
        self, request: Request, rt: Rt, credentials: Credentials,
        min_position: MinPosition = None,
    ) -> Caller:
        caller = Caller(request_id_of(request))

        def check() -> None:
            key = current_key(request, rt, credentials)
            authorize(rt.app, key, self.roles, request.path_params)
            if min_position is not None:
                wait_for_position(rt, min_position)
            caller.admit(key)

        Guard(check)
        return caller


IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", description="Any unique string per intended operation (at "
    "most UNION_LEDGER_IDEMPOTENCY_KEY_LENGTH_MAX characters): a retry with the same key "
    "and body returns the original answer and books nothing.")]


class Writing:
    """A write for these roles: authorised, in the key's union, run once per key."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(
        self, request: Request, rt: Rt, credentials: Credentials,
        idempotency_key: IdempotencyKey = None,
    ) -> Command:
        caller = Caller(request_id_of(request))
        # The fingerprint a replay must match (method, path, canonical body): only a write
        # with an Idempotency-Key is ever replayed, so only such a write pays for it.
        request_fingerprint = "" if idempotency_key is None else fingerprint(
            request.method, request.url.path, await request.body())

        def check() -> None:
            key = current_key(request, rt, credentials)
            authorize(rt.app, key, self.roles, request.path_params)
            if idempotency_key is not None:
                length_max = rt.settings.idempotency_key_length_max
                if not 1 <= len(idempotency_key) <= length_max or not set(
                    idempotency_key
                ) <= IDEMPOTENCY_KEY_CHARACTERS:
                    raise invalid_parameter(
                        "Idempotency-Key", f"1 to {length_max} printable ASCII characters")
            caller.admit(key)

        Guard(check)
        return Command(rt, caller, idempotency_key, request_fingerprint)


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
