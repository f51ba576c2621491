"""docs/asyncapi.yaml and the event tables of docs/CONTRACTS.md: generated from the catalogue,
up to date, and valid (AsyncAPI 3.0.0 by its official JSON Schema; payloads by JSON Schema)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from scripts.contracts import asyncapi, catalogue, events_table
from scripts.contracts.__main__ import ASYNCAPI_PATH, CONTRACTS_PATH
from shared.bus.envelope import EventEnvelope
from shared.contracts.events import (
    CATALOGUE,
    CertificateDownloaded,
    CertificateStatusChanged,
    EmailRequested,
    Event,
    FormsPending,
    IssuanceRequested,
    LspEmailRequested,
    ReportPending,
    SkkRecorded,
    StatusChanged,
    WebhookRequested,
)
from shared.contracts.states import ApplicationStatus, CertificateStatus

HERE = Path(__file__).parent
STALE = "is stale: run `make contracts` (python -m scripts.contracts events) and commit the result"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

# One valid instance of every catalogue event, with its producer as the envelope's source.
SAMPLES: dict[type[Event], tuple[Event, str]] = {
    StatusChanged: (StatusChanged(application_id="a1", seq=3, status=ApplicationStatus.INVOICED,
                                  previous_status=ApplicationStatus.ACCEPTED, at=AT, actor="lsp:LSP-A",
                                  reasons=["x"]), "siki"),
    SkkRecorded: (SkkRecorded(recording_number="R1", skk_number="S1", registration_number="B1",
                              nik="3171234567890001", lsp_code="LSP-A", application_id="a1", klasifikasi_code="SI",
                              subklasifikasi_code="SI01", kualifikasi="Ahli", jabatan_kerja_code="SI012001",
                              jenjang=7, issued_on=date(2026, 3, 2), valid_until=date(2031, 3, 1)), "lpjk"),
    CertificateStatusChanged: (CertificateStatusChanged(recording_number="R1", skk_number="S1", application_id="a1",
                                                        lsp_code="LSP-A", seq=1, status=CertificateStatus.REVOKED,
                                                        previous_status=CertificateStatus.ACTIVE, reason="x", at=AT),
                               "lpjk"),
    CertificateDownloaded: (CertificateDownloaded(application_id="a1", user_id="u1", at=AT), "portal"),
    WebhookRequested: (WebhookRequested(delivery_id="d1"), "siki"),
    EmailRequested: (EmailRequested(to="a@example.com", subject="Hi", body="Halo"), "portal"),
    ReportPending: (ReportPending(lsp_code="LSP-B", application_id="a1"), "lsp:LSP-B"),
    IssuanceRequested: (IssuanceRequested(lsp_code="LSP-A", application_id="a1"), "lsp:LSP-A"),
    FormsPending: (FormsPending(lsp_code="LSP-A", application_id="a1"), "lsp:LSP-A"),
    LspEmailRequested: (LspEmailRequested(lsp_code="LSP-A", to="admin@lsp-a.example", subject="Aktivasi",
                                          body="Halo"), "lsp:LSP-A"),
}


@cache
def committed() -> dict[str, Any]:
    return dict(yaml.safe_load(ASYNCAPI_PATH.read_text(encoding="utf-8")))


@cache
def asyncapi_validator() -> Any:
    schema = json.loads((HERE / "asyncapi-3.0.0.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def payload_validator(doc: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A draft-07 validator of ``schema`` whose ``#/components/schemas/...`` references resolve in ``doc``."""
    return jsonschema_rs.Draft7Validator({"allOf": [schema], "components": doc["components"]})


def envelope_of(event: Event, source: str) -> dict[str, Any]:
    """The AMQP body a service publishes (``runtime.emit`` -> outbox -> ``model_dump_json``)."""
    envelope = EventEnvelope(type=event.routing_key(), version=event.version, correlation_id="c1",
                             application_id=getattr(event, "application_id", None), source=source,
                             payload=event.model_dump(mode="json"))
    return dict(json.loads(envelope.model_dump_json()))


def test_asyncapi_yaml_is_up_to_date() -> None:
    assert ASYNCAPI_PATH.read_text(encoding="utf-8") == asyncapi.render(), f"docs/asyncapi.yaml {STALE}"


def test_contracts_md_event_tables_are_up_to_date() -> None:
    text = CONTRACTS_PATH.read_text(encoding="utf-8")
    assert events_table.current(text), f"docs/CONTRACTS.md lacks {events_table.BEGIN} ... {events_table.END}"
    assert events_table.current(text) == events_table.render(), f"the event tables of docs/CONTRACTS.md {STALE}"


def test_generation_is_deterministic() -> None:
    assert asyncapi.render() == asyncapi.render()
    assert events_table.render() == events_table.render()


def test_every_catalogue_event_is_documented() -> None:
    doc = committed()
    section = events_table.current(CONTRACTS_PATH.read_text(encoding="utf-8"))
    assert {cls.__name__ for cls in CATALOGUE} == set(doc["channels"]) == set(doc["components"]["messages"])
    for cls in CATALOGUE:
        assert doc["channels"][cls.__name__]["address"] == catalogue.address(cls.event_type)
        assert f"| `{catalogue.readable_key(cls.event_type)}` | {cls.version} |" in section, cls.__name__
        actions = {(op["action"], op.get("x-producer"), (op.get("x-queue") or {}).get("name"))
                   for op in doc["operations"].values() if op["channel"]["$ref"] == f"#/channels/{cls.__name__}"}
        assert actions == ({("send", p, None) for p in cls.producers}
                           | {("receive", None, catalogue.readable_queue(q)) for q in cls.queues}), cls.__name__
    assert "portal.email_requested" in section


def test_asyncapi_document_is_valid_asyncapi_3() -> None:
    doc = committed()
    assert doc["asyncapi"] == "3.0.0"
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message[:300]}"
              for e in asyncapi_validator().iter_errors(doc)]
    assert not errors, "docs/asyncapi.yaml is not valid AsyncAPI 3.0.0:\n" + "\n".join(errors)


def test_the_asyncapi_validator_rejects_a_broken_document() -> None:
    doc = copy.deepcopy(committed())
    first = next(iter(doc["operations"].values()))
    first["action"] = "publish"  # AsyncAPI 2 wording, not valid in 3.0
    doc["channels"]["StatusChanged"]["adress"] = doc["channels"]["StatusChanged"].pop("address")
    assert not asyncapi_validator().is_valid(doc)


def test_every_schema_is_valid_json_schema() -> None:
    doc = committed()
    schemas = dict(doc["components"]["schemas"])
    schemas.update({f"message {name} payload": m["payload"] for name, m in doc["components"]["messages"].items()})
    schemas.update({f"message {name} headers": m["headers"] for name, m in doc["components"]["messages"].items()})
    bad = [name for name, schema in schemas.items()
           if not jsonschema_rs.meta.is_valid({"$schema": "http://json-schema.org/draft-07/schema#", **schema})]
    assert not bad, f"not valid JSON Schema (draft-07): {bad}"
    for schema in schemas.values():  # and every reference resolves
        payload_validator(doc, schema)


@pytest.mark.parametrize("cls", catalogue.events(), ids=[c.__name__ for c in catalogue.events()])
def test_published_envelopes_match_their_message_schema(cls: type[Event]) -> None:
    doc = committed()
    event, source = SAMPLES[cls]
    message = doc["components"]["messages"][cls.__name__]
    validator = payload_validator(doc, message["payload"])
    body = envelope_of(event, source)
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors
    # ... and the schema does say something: another type, source or payload is refused.
    assert not validator.is_valid({**body, "type": "something.else"})
    assert not validator.is_valid({**body, "source": "bnsp"})
    assert not validator.is_valid({**body, "payload": {}})
    other = next(c for c in SAMPLES if c is not cls and c.producers != cls.producers)
    assert not validator.is_valid(envelope_of(*SAMPLES[other]))
    headers = payload_validator(doc, message["headers"])
    assert headers.is_valid({catalogue.ATTEMPT: 1}) and not headers.is_valid({catalogue.ATTEMPT: 0})
