"""The order routers are included in changes how fast a route is found, never which one."""

from __future__ import annotations

import re

from starlette.routing import Match

from api.app import V1_ROUTERS, create_app
from union_ledger.settings import load_settings

PARAMETER = re.compile(r"\{[^}]+\}")
SAMPLE_ID = "6f1c2a9e-8d4b-4c3a-9f7e-2b5d8a1c0e34"


def v1_routes() -> list[tuple[str, frozenset[str]]]:
    return [(f"/v1{route.path}", frozenset(route.methods))  # type: ignore[attr-defined]
            for router in V1_ROUTERS for route in router.routes]


def test_no_path_matches_two_route_templates() -> None:
    """Any id, or a word that is another route's literal segment, in any parameter."""
    templates = sorted({path for path, _ in v1_routes()})
    patterns = {template: re.compile("^" + PARAMETER.sub("[^/]+", template) + "$")
                for template in templates}
    literals = {segment for template in templates for segment in template.split("/")
                if segment and not PARAMETER.fullmatch(segment)}
    for template in templates:
        for value in (SAMPLE_ID, *sorted(literals)):
            path = PARAMETER.sub(value, template)
            matching = [other for other, pattern in patterns.items() if pattern.match(path)]
            assert matching == [template], (path, matching)


def test_the_application_routes_each_path_to_its_own_route() -> None:
    app = create_app(load_settings(persistence="memory"))
    for template, methods in v1_routes():
        path = PARAMETER.sub(SAMPLE_ID, template)
        for method in methods:
            scope = {"type": "http", "method": method, "path": path, "root_path": ""}
            found = [route for route in app.router.routes
                     if route.matches(scope)[0] == Match.FULL]
            assert len(found) == 1, (method, path)


def test_the_documentation_lists_every_tag_in_reading_order() -> None:
    app = create_app(load_settings(persistence="memory"))
    used = {tag for operations in app.openapi()["paths"].values()
            for operation in operations.values() for tag in operation.get("tags", [])}
    listed = [tag["name"] for tag in app.openapi()["tags"]]
    assert used == set(listed)
    assert listed[:3] == ["operations", "administration", "groups"]
