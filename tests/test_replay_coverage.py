"""Every keyed POST of every service is tested retried after its process died unanswered.

A POST carrying an ``Idempotency-Key`` runs once per key (shared/idempotency.py); when its process
dies after the effects committed and before the answer was stored, the client's retry takes the
claim over and the handler runs again, answering from the note its first attempt committed
(shared/idempotency_marks.py). Each handler must check that note before any other check, or the
retry is refused for the state its own first attempt left (the chaos run's "accept_application is
not allowed while the application is 'invoiced'"). So each keyed operation needs a test that
kills the first attempt after its commit (``shared.tests.idempotency_support.dying_after_commit``)
and marks itself ``@pytest.mark.replays("<operationId>")``; this test finds every keyed POST in
the services' published OpenAPI documents (docs/openapi, checked against the apps elsewhere) and
fails for one that no marked test covers, so that a new keyed operation cannot go untested.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("portal", "siki", "lsp", "bnsp_mock", "lpjk_mock")
KEY_HEADER = "idempotency-key"


def keyed_posts(service: str) -> set[str]:
    """The operationIds of the service's POSTs that take an ``Idempotency-Key``."""
    document = json.loads((ROOT / "docs" / "openapi" / f"{service}.json").read_text(encoding="utf-8"))
    found = set()
    for operations in document["paths"].values():
        post = operations.get("post")
        if post and any(str(p.get("name", "")).lower() == KEY_HEADER for p in post.get("parameters", [])):
            found.add(post["operationId"])
    return found


def replayed_in_tests(service: str) -> set[str]:
    """The operationIds the service's test modules mark as retried after a death."""
    covered: set[str] = set()
    for path in sorted((ROOT / "services" / service / "tests").glob("test_*.py")):
        if "pytest.mark.replays(" not in path.read_text(encoding="utf-8"):
            continue
        module = importlib.import_module(f"services.{service}.tests.{path.stem}")
        for name in dir(module):
            test = getattr(module, name)
            if name.startswith("test_") and callable(test):
                for mark in getattr(test, "pytestmark", []):
                    if mark.name == "replays":
                        covered.update(mark.args)
    return covered


@pytest.mark.parametrize("service", SERVICES)
def test_every_keyed_post_is_tested_retried_after_a_death(service: str) -> None:
    keyed = keyed_posts(service)
    assert keyed, f"no keyed POST found in docs/openapi/{service}.json: is the header still named {KEY_HEADER}?"
    covered = replayed_in_tests(service)
    assert not keyed - covered, (f"{service}: keyed POSTs with no test retrying them after a death "
                                 f"(@pytest.mark.replays): {sorted(keyed - covered)}")
    assert not covered - keyed, f"{service}: marked as replayed but not keyed POSTs: {sorted(covered - keyed)}"
