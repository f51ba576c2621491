"""The committed OpenAPI documents and generated clients are what the code produces today."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.contracts import client, openapi
from scripts.contracts.openapi import SERVICES
from tests.contracts.apps import openapi_of


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_document_is_up_to_date(service: str) -> None:
    path = openapi.path_of(service)
    assert path.exists(), f"{path} is missing: run `make openapi`"
    fresh = openapi_of(service)
    committed = path.read_text(encoding="utf-8")
    if json.loads(committed) != fresh:
        pytest.fail(f"docs/openapi/{service}.json is stale (the app's .openapi() changed): run `make openapi client` "
                    "and commit the result")
    assert committed == openapi.render(fresh), f"docs/openapi/{service}.json is not in its generated form: run " \
                                               "`make openapi`"


@pytest.mark.parametrize("service", SERVICES)
def test_committed_client_equals_a_fresh_generation(service: str, tmp_path: Path) -> None:
    committed = client.client_dir(service)
    assert committed.is_dir(), f"{committed} is missing: run `make client`"
    fresh = client.tree(client.generate(service, tmp_path / client.package_of(service)))
    current = client.tree(committed)
    differ = sorted(name for name in set(fresh) | set(current) if fresh.get(name) != current.get(name))
    assert not differ, (f"clients/{client.package_of(service)} differs from a generation from "
                        f"docs/openapi/{service}.json in {differ[:10]}: run `make client` and commit the result")
