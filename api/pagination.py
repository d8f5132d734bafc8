"""Opaque page cursors (base64url of the last key returned) and page-size limits."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from api.errors import ApiProblem

CURSOR_LENGTH_MAX = 512
POSITION_MAX = 2**63 - 1  # a log position or version fits a signed 64-bit column
KEY_TEXT_LENGTH_MAX = 200
CursorKey = str | int | list[str | int]


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: CursorKey | None


def encode_cursor(key: CursorKey) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> CursorKey:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid_parameter("cursor", "not a cursor this API returned") from None
    if not _is_key(key):
        raise invalid_parameter("cursor", "not a cursor this API returned")
    return key  # type: ignore[no-any-return]  # checked by _is_key


def _is_key(key: object) -> bool:
    if isinstance(key, bool):
        return False
    if isinstance(key, int):
        return 0 <= key <= POSITION_MAX
    if isinstance(key, str):
        return len(key) <= KEY_TEXT_LENGTH_MAX
    return isinstance(key, list) and all(_is_key(part) and not isinstance(part, list)
                                         for part in key)


def page_request(
    limit: int | None, cursor: str | None, default: int, maximum: int
) -> PageRequest:
    if limit is not None and not 1 <= limit <= maximum:
        raise invalid_parameter("limit", f"must be from 1 to {maximum}")
    return PageRequest(limit or default, None if cursor is None else decode_cursor(cursor))


def after_text(page: PageRequest) -> str | None:
    """The cursor key of a page keyed by text ids."""
    if page.after is None:
        return None
    if not isinstance(page.after, str):
        raise invalid_parameter("cursor", "not a cursor of this list")
    return page.after


def after_number(page: PageRequest) -> int | None:
    """The cursor key of a page keyed by log positions."""
    if page.after is None:
        return None
    if isinstance(page.after, bool) or not isinstance(page.after, int):
        raise invalid_parameter("cursor", "not a cursor of this list")
    return page.after


def after_pair(page: PageRequest) -> tuple[int, int] | None:
    """The cursor key of a page keyed by (log position, line)."""
    key = page.after
    if key is None:
        return None
    if isinstance(key, list) and len(key) == 2:
        first, second = key
        if isinstance(first, int) and isinstance(second, int):
            return first, second
    raise invalid_parameter("cursor", "not a cursor of this list")


def next_cursor(keys: list[CursorKey], limit: int) -> str | None:
    """A cursor after the last key when the page came back full (more may follow)."""
    return encode_cursor(keys[-1]) if keys and len(keys) >= limit else None


def invalid_parameter(field: str, message: str) -> ApiProblem:
    return ApiProblem(422, "validation_error", f"invalid request: {field}",
                      errors=[{"field": field, "message": message}])
