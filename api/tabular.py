"""Content negotiation for reports: JSON by default, CSV when the client accepts text/csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel

CSV_MEDIA_TYPE = "text/csv"
NEXT_CURSOR_HEADER = "X-Next-Cursor"
Table = tuple[Sequence[str], Iterable[Sequence[object]]]

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
          "description": "The report; as CSV with `Accept: text/csv` (a paginated list puts "
          f"its next cursor in the {NEXT_CURSOR_HEADER} header)."},
}


def wants_csv(request: Request) -> bool:
    return CSV_MEDIA_TYPE in request.headers.get("accept", "").lower()


def report(
    request: Request, model: BaseModel, table: Callable[[], Table], *,
    next_cursor: str | None = None,
) -> Response:
    """The report as JSON, or as CSV (a header row, then one row per line)."""
    if not wants_csv(request):
        return json_response(model)
    header, rows = table()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _cell(cell) for cell in row])
    response = Response(buffer.getvalue(), media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8")
    if next_cursor is not None:
        response.headers[NEXT_CURSOR_HEADER] = next_cursor
    return response


def json_response(model: BaseModel) -> Response:
    """The model as JSON, serialized by pydantic in one step: the bytes `JSONResponse`
    writes from `model.model_dump(mode="json")` (compact, UTF-8), without the dict of
    Python values in between and the standard library's encoder walking it."""
    return Response(model.model_dump_json(), media_type="application/json")


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(str(part) for part in value)
    text = str(value)
    # A cell a spreadsheet would run as a formula is quoted as text.
    return "'" + text if text[:1] in ("=", "+", "@") else text


def rows_of(models: Iterable[BaseModel], columns: Sequence[str]) -> list[list[object]]:
    """Rows of the given (possibly dotted, e.g. `balances.surplus`) fields of each model."""
    rows = []
    for model in models:
        data = model.model_dump(mode="json")
        rows.append([_dig(data, column) for column in columns])
    return rows


def _dig(data: Any, dotted: str) -> object:
    found: object = data
    for part in dotted.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return found
