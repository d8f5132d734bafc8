"""The deployment files: compose services, health checks, known settings, a non-root image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from eventsourcing.postgres import PostgresFactory

from union_ledger.settings import Settings

ROOT = Path(__file__).parents[1]
LIBRARY_VARIABLES = {
    getattr(PostgresFactory, name) for name in dir(PostgresFactory)
    if name.startswith("POSTGRES_") and isinstance(getattr(PostgresFactory, name), str)
} - {PostgresFactory.POSTGRES_ENABLE_DB_FUNCTIONS}  # never set: it skips the table lock
SETTINGS_VARIABLES = {f"UNION_LEDGER_{name.upper()}" for name in Settings.model_fields}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_the_services_and_their_order() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "api", "projector"}
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["postgres"]["image"].startswith("postgres:")
    for name in ("migrate", "api", "projector"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("api", "projector"):
        assert (services[name]["depends_on"]["migrate"]["condition"]
                == "service_completed_successfully")
    assert services["migrate"]["command"] == ["union-ledger", "migrate"]
    assert services["projector"]["command"] == ["union-ledger", "project"]
    api_command = services["api"]["command"]
    assert api_command[:2] == ["union-ledger", "serve"]
    assert int(api_command[api_command.index("--workers") + 1]) > 1
    assert "/ready" in " ".join(services["api"]["healthcheck"]["test"])


def test_every_variable_the_ledger_is_given_is_one_it_knows() -> None:
    services = compose()["services"]
    for name in ("migrate", "api", "projector"):
        environment = services[name]["environment"]
        unknown = set(environment) - SETTINGS_VARIABLES - LIBRARY_VARIABLES
        assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"
        assert environment["UNION_LEDGER_PERSISTENCE"] == "postgres"


def test_the_image_runs_as_a_user_from_a_slim_base_without_build_tools() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) == 2 and all("-slim" in line for line in stages)
    final = lines[lines.index(stages[-1]):]
    assert any(line.startswith("USER ") and "root" not in line for line in final)
    assert not any("pip install" in line or "apt-get" in line for line in final)
