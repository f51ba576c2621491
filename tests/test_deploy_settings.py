"""``deploy/``'s environment against the services' settings: every ``SKK_*`` variable that
compose.yaml or the Kubernetes manifests set is a setting of that service (a misspelt one would
be ignored silently: ``extra="ignore"``), and a production-mode settings object builds from that
environment alone, with fresh placeholder secrets: so every secret production refuses to start
without is provided (in compose as a required ``${VAR:?}``, in Kubernetes by secretKeyRef)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from services.bnsp_mock.settings import BnspSettings
from services.lpjk_mock.settings import LpjkSettings
from services.lsp.issuance.settings import IssuanceSettings, issuance_settings
from services.lsp.settings import LspSettings
from services.portal.settings import PortalSettings
from services.siki.settings import SikiSettings
from shared.bus.users import BrokerUsers
from shared.servicekeys import TrustedKeyEntry, private_pem, thumbprint
from shared.settings import Mode, ServiceSettings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
# The calls between services that the benchmark measures and the whole-chain tests run
# (scripts/chain_processes.py): what a deployment runs too.
MEASURED_BACKEND = "aiohttp"
MIGRATE_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "migrate.py"
SETTINGS: dict[str, type[ServiceSettings]] = {
    "services.portal": PortalSettings, "services.siki": SikiSettings, "services.lsp": LspSettings,
    "services.bnsp_mock": BnspSettings, "services.lpjk_mock": LpjkSettings,
}
PARTIES = ("portal", "siki", "lsp:LSP-A", "lsp:LSP-B", "bnsp", "lpjk")


# --- placeholder secrets: fresh, strong, of the right shape ----------------------------------

def _token() -> str:
    return secrets.token_urlsafe(32)


def _ed25519_pem() -> str:
    return private_pem(Ed25519PrivateKey.generate())


@cache
def _trusted_keys() -> str:
    entries = []
    for party in PARTIES:
        key = Ed25519PrivateKey.generate().public_key()
        entries.append(TrustedKeyEntry.of(key, thumbprint(key), party).model_dump())
    return json.dumps(entries)


@cache
def _certificate() -> tuple[str, str]:
    """A PDF signing identity: an ECDSA key and its self-signed certificate (PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "LSP placeholder")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def placeholder(setting: str, service: str) -> str:
    """A production-grade stand-in for the whole value of ``setting`` of ``service`` (e.g.
    ``lsp:LSP-A``)."""
    if setting in ("SKK_SERVICE_SIGNING_KEY_PEM", "SKK_QR_SIGNING_KEY_PEM"):
        return _ed25519_pem()
    if setting == "SKK_SERVICE_TRUSTED_KEYS":
        return _trusted_keys()
    if setting == "SKK_DATA_KEYS":
        return json.dumps({"k1": base64.b64encode(secrets.token_bytes(32)).decode()})
    if setting == "SKK_SIKI_WEBHOOK_SECRET":
        return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    if setting == "SKK_CERTIFICATE_SIGNING_KEY_PEM":
        return _certificate()[0]
    if setting == "SKK_CERTIFICATE_SIGNING_CERT_PEM":
        return _certificate()[1]
    if setting == "SKK_AMQP_URL":
        return f"amqp://{BrokerUsers().user_for(service)}:{_token()}@rabbitmq:5672/"
    if setting == "SKK_DATABASE_URL":
        return f"postgresql+asyncpg://skk:{_token()}@postgres:5432/skk_placeholder"
    if setting == "SKK_MIGRATE_URL_TEMPLATE":
        return f"postgresql+asyncpg://skk:{_token()}@postgres:5432/skk_{{instance}}"
    return _token()


def fields_of(settings: type[ServiceSettings]) -> set[str]:
    names = set(settings.model_fields)
    if settings is LspSettings:
        names |= set(IssuanceSettings.model_fields)  # read from the same environment
    return {"SKK_" + n.upper() for n in names}


def migrate_env() -> set[str]:
    """The variables scripts/migrate.py reads (besides settings)."""
    return set(re.findall(r"\b(SKK_\w+)\b", MIGRATE_SCRIPT.read_text(encoding="utf-8")))


def build_production(settings: type[ServiceSettings], env: dict[str, str],
                     monkeypatch: pytest.MonkeyPatch) -> ServiceSettings:
    """The service's settings from ``env`` alone (and, for an LSP, its issuance settings)."""
    import os

    for name in [n for n in os.environ if n.startswith("SKK_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    built = settings()
    assert built.mode == Mode.PRODUCTION
    if settings is LspSettings:
        issuance_settings(built)  # refuses a missing or dev signing identity
    return built


# --- compose.yaml -----------------------------------------------------------------------------

def _compose_services() -> Iterator[tuple[str, dict[str, Any]]]:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    for name, svc in compose["services"].items():
        cmd = svc.get("command") or []
        if len(cmd) == 3 and cmd[2] in SETTINGS:
            yield name, svc


_VAR = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def _compose_value(setting: str, value: str, service: str) -> str | None:
    """``value`` as `docker compose` would give it, each required variable a placeholder; None
    when it is only an optional variable left unset (the variable is then empty)."""
    whole = _VAR.fullmatch(value)
    if whole and whole.group(2) in (":-", "-"):
        return whole.group(3) or None  # an optional setting keeps its default
    if whole:
        return placeholder(setting, service)
    return _VAR.sub(lambda _: _token(), value)  # a password inside a URL


def _service_name(svc: dict[str, Any]) -> str:
    module = svc["command"][2]
    if module == "services.lsp":
        return "lsp:" + svc["environment"]["SKK_LSP_CODE"]
    return {"services.bnsp_mock": "bnsp", "services.lpjk_mock": "lpjk"}.get(module, module.split(".")[1])


def test_compose_sets_only_real_settings() -> None:
    seen = 0
    for name, svc in _compose_services():
        unknown = set(svc["environment"]) - fields_of(SETTINGS[svc["command"][2]])
        assert not unknown, f"{name}: not settings of the service: {sorted(unknown)}"
        seen += 1
    assert seen == 6
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert set(compose["services"]["migrate"]["environment"]) <= migrate_env()


@pytest.mark.parametrize("name", [n for n, _ in _compose_services()])
def test_compose_environment_starts_each_service_in_production(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = dict(_compose_services())[name]
    service = _service_name(svc)
    env = {}
    for setting, value in svc["environment"].items():
        got = _compose_value(setting, str(value), service)
        if got is not None:
            env[setting] = got
    assert env["SKK_MODE"] == "production"  # ${SKK_MODE:-production}
    built = build_production(SETTINGS[svc["command"][2]], env, monkeypatch)
    assert built.service_name == service and not built.migrate_on_startup
    assert built.metrics_token is not None and built.metrics_token.get_secret_value()
    assert built.http_backend == MEASURED_BACKEND


# --- Kubernetes -------------------------------------------------------------------------------

def k8s_docs() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def _config_maps() -> dict[str, dict[str, str]]:
    return {d["metadata"]["name"]: d.get("data", {}) for d in k8s_docs() if d["kind"] == "ConfigMap"}


def _deployments() -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in k8s_docs() if d["kind"] == "Deployment"}


def container_env(container: dict[str, Any]) -> dict[str, str | tuple[str, str, bool]]:
    """Every variable of a container: a value, or (secret, key, optional) for a secretKeyRef."""
    maps = _config_maps()
    env: dict[str, str | tuple[str, str, bool]] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(maps[source["configMapRef"]["name"]])
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            env[item["name"]] = (ref["name"], ref["key"], bool(ref.get("optional")))
    return env


def test_k8s_sets_only_real_settings() -> None:
    deployments = _deployments()
    assert len(deployments) == 6
    for name, dep in deployments.items():
        spec = dep["spec"]["template"]["spec"]
        (main,) = spec["containers"]
        unknown = set(container_env(main)) - fields_of(SETTINGS[main["command"][2]])
        assert not unknown, f"{name}: not settings of the service: {sorted(unknown)}"
        for init in spec.get("initContainers", []):
            assert set(container_env(init)) <= migrate_env(), name
    job = next(d for d in k8s_docs() if d["kind"] == "Job" and d["metadata"]["name"] == "skk-migrate")
    assert set(container_env(job["spec"]["template"]["spec"]["containers"][0])) <= migrate_env()


@pytest.mark.parametrize("name", sorted(_deployments()))
def test_k8s_environment_starts_each_service_in_production(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (main,) = _deployments()[name]["spec"]["template"]["spec"]["containers"]
    variables = container_env(main)
    code = variables.get("SKK_LSP_CODE")
    service = f"lsp:{code}" if isinstance(code, str) else _service_name({"command": main["command"]})
    env = {}
    for setting, value in variables.items():
        if isinstance(value, str):
            env[setting] = value
        elif not value[2]:  # an optional secret may be absent: the service must start without it
            env[setting] = placeholder(setting, service)
    built = build_production(SETTINGS[main["command"][2]], env, monkeypatch)
    assert built.service_name == service and not built.migrate_on_startup and built.host == "0.0.0.0"
    assert built.http_backend == MEASURED_BACKEND
    assert str(built.port) == variables["SKK_PORT"]
