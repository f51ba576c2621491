"""``deploy/``: the compose file is valid and consistent, and migrations are its prestart step
(no `docker compose` here, so its checks are read from the file)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from scripts.migrate import SERVICES, resolve

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
# The Compose Specification's schema, vendored (deploy/schemas/README.md: source and licence).
COMPOSE_SCHEMA = DEPLOY / "schemas" / "compose-spec.json"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _interpolate(value: str) -> str:
    """Compose's ``${VAR}`` / ``${VAR:?message}`` with a stand-in value, as `docker compose` would."""
    return re.sub(r"\$\{(\w+)[^}]*\}", r"<\1>", value)


def _chain_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose["services"].items()
            if svc.get("command", [None, None, ""])[2].startswith("services.")}


def test_every_service_starts_after_the_migrate_step_and_does_not_migrate_itself() -> None:
    compose = _compose()
    services = _chain_services(compose)
    assert len(services) == 6
    for name, svc in services.items():
        assert svc["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert svc["environment"]["SKK_MIGRATE_ON_STARTUP"] == "false", name
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["python", "-m", "scripts.migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate["healthcheck"] == {"disable": True}


def test_the_migrate_step_covers_every_service_database() -> None:
    compose = _compose()
    template = _interpolate(compose["services"]["migrate"]["environment"]["SKK_MIGRATE_URL_TEMPLATE"])
    migrated = {template.format(instance=instance) for instance in SERVICES}
    created = set(re.findall(r"CREATE DATABASE (\w+);", (DEPLOY / "postgres-init.sql").read_text()))
    for name, svc in _chain_services(compose).items():
        url = _interpolate(svc["environment"]["SKK_DATABASE_URL"])
        assert url in migrated, name
        instance = url.rsplit("/skk_", 1)[1]
        # The instance's migrations are those of the package the service runs.
        assert f"services.{resolve(instance)[1]}" == svc["command"][2], name
        assert url.rsplit("/", 1)[1] in created, name


def _compose_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8")))


def test_the_compose_file_follows_the_compose_specification() -> None:
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}"
              for e in _compose_validator().iter_errors(_compose())]
    assert not errors, errors


@pytest.mark.parametrize("path, value", [
    (("services", "portal", "restart"), 5),  # a number where the specification wants a string
    (("services", "siki", "depends_on", "migrate", "condition"), "service_finished"),  # no such condition
    (("services", "lpjk", "enviroment"), {"SKK_MODE": "production"}),  # misspelt key
])
def test_the_schema_check_refuses_a_broken_compose_file(path: tuple[str, ...], value: Any) -> None:
    broken = _compose()
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert list(_compose_validator().iter_errors(broken))
