"""The one exception-handler table: every refusal becomes an RFC 9457 problem document."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError

log = logging.getLogger("union_ledger.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
STATUS_OF_KIND = {"invalid": 422, "conflict": 409, "not_found": 404}
STANDARD_FIELDS = frozenset({"type", "title", "status", "detail", "code", "instance"})
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 406: "not_acceptable"}


class ApiProblem(Exception):
    """A refusal decided by the API itself (auth, limits, idempotency, readiness)."""

    def __init__(
        self, status: int, code: str, detail: str, *, headers: Mapping[str, str] | None = None,
        **extras: object,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = dict(headers or {})
        self.extras = extras


def unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


def request_id_of(request: Request) -> str:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else ""


def problem_body(
    request: Request, status: int, code: str, detail: str, extras: Mapping[str, object]
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:union-ledger:problem:{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
        "request_id": request_id_of(request),
    }
    for name, value in extras.items():
        if name not in STANDARD_FIELDS:
            body[name] = jsonable_encoder(value)
    return body


def problem_response(
    request: Request, status: int, code: str, detail: str, *,
    extras: Mapping[str, object] | None = None, headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem_body(request, status, code, detail, extras or {}), status_code=status,
        media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {}),
    )


def _domain_error(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, DomainError):  # pragma: no cover - registered for DomainError
        raise error
    status = STATUS_OF_KIND.get(error.kind, 422)
    return problem_response(request, status, error.code, error.message, extras=error.details)


def _api_problem(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, ApiProblem):  # pragma: no cover - registered for ApiProblem
        raise error
    return problem_response(request, error.status, error.code, error.detail,
                            extras=error.extras, headers=error.headers)


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic errors as `{field, message}`, the field a dotted path inside its source."""
    found = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in ("body", "query", "path", "header"):
            location = location[1:]
        found.append({"field": ".".join(location) or "body", "message": str(error.get("msg"))})
    return found


def _validation_error(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RequestValidationError):  # pragma: no cover - registered so
        raise error
    problems = field_errors(error.errors())
    names = ", ".join(sorted({p["field"] for p in problems}))
    return problem_response(request, 422, "validation_error", f"invalid request: {names}",
                            extras={"errors": problems})


def _http_error(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, StarletteHTTPException):  # pragma: no cover - registered so
        raise error
    if error.status_code == 400:
        # FastAPI's answer to a body it cannot decode (not UTF-8, nested too deep): like
        # malformed JSON, a request that can never succeed as written, so 422 as documented.
        return problem_response(request, 422, "validation_error", "invalid request: body",
                                extras={"errors": [{"field": "body",
                                                    "message": str(error.detail)}]})
    code = HTTP_CODES.get(error.status_code, "http_error")
    detail = str(error.detail) if error.status_code != 404 else "no such resource"
    return problem_response(request, error.status_code, code, detail,
                            headers=dict(error.headers or {}))


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    """A programmer error: logged with its traceback and a correlation id, then re-raised
    by the server middleware (never swallowed); the client gets only the correlation id."""
    correlation_id = request_id_of(request)
    log.error("unhandled error in %s %s [request %s]", request.method, request.url.path,
              correlation_id, exc_info=error)
    return problem_response(
        request, 500, "internal_error",
        f"an unexpected error occurred; quote correlation id {correlation_id}",
        extras={"correlation_id": correlation_id},
    )


def install(app: FastAPI) -> None:
    """Register the handler table on `app`."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
