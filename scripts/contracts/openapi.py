"""``docs/openapi/<service>.json``: each service's OpenAPI document, from its app built in-process
with the default dev settings (no server, no database connection: ``create_app().openapi()``)."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_DIR = ROOT / "docs" / "openapi"
# Every service with an HTTP API; the LSP app is built once, for the default dev LSP.
SERVICES: tuple[str, ...] = ("portal", "siki", "lsp", "bnsp_mock", "lpjk_mock")


@contextlib.contextmanager
def _default_settings() -> Iterator[None]:
    """Hide ``SKK_*`` variables, so that the documents do not depend on the caller's environment."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("SKK_")}
    for key in saved:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(saved)


def create_app(service: str) -> FastAPI:
    """The service's app with its default (dev) settings."""
    module = importlib.import_module(f"services.{service}.app")
    with _default_settings():
        app: FastAPI = module.create_app()
    return app


def build(service: str) -> dict[str, Any]:
    with _default_settings():
        return create_app(service).openapi()


def render(doc: dict[str, Any]) -> str:
    """The committed form: FastAPI's own (code-determined) key order, indented, one final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def path_of(service: str) -> Path:
    return OPENAPI_DIR / f"{service}.json"


def write(services: tuple[str, ...] = SERVICES) -> list[Path]:
    OPENAPI_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for service in services:
        path = path_of(service)
        path.write_text(render(build(service)), encoding="utf-8")
        written.append(path)
    return written
