"""``deploy/k8s/``: the manifests are valid Kubernetes objects (the schemas `kubernetes-validate`
ships, offline, strict: no unknown field) and hold what the chain needs: probes on routes the
services serve, the migration before the pods, non-root read-only containers with requests,
two replicas with a disruption budget where the chain runs replicas, Services that select their
pods, secrets only by reference and each one documented, and the broker's queue policies."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from fastapi import FastAPI

from scripts.migrate import SERVICES, resolve
from shared.contracts.events import QUEUES
from tests.test_deploy_settings import SETTINGS, k8s_docs

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.37.0"  # the newest schema kubernetes-validate 1.37.0 ships
REPLICATED = {"portal", "siki", "lsp-a", "lsp-b"}
# Measured idle RSS of one service process: 105-122 MiB.
MIN_MEMORY_REQUEST_MI = 128


def _mi(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi)", quantity)
    assert match, quantity
    return int(match.group(1)) * units[match.group(2)]


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in k8s_docs() if d["kind"] == kind}


def _labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


@pytest.mark.parametrize("path", sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"))
def test_every_manifest_is_a_valid_kubernetes_object(path: str) -> None:
    docs = [d for d in yaml.safe_load_all((K8S / path).read_text(encoding="utf-8")) if d]
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        assert doc["metadata"]["namespace" if doc["kind"] != "Namespace" else "name"] == "skk"


def test_the_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)
    assert kustomization["namespace"] == "skk"


def test_a_broken_manifest_is_refused() -> None:
    """The validation is real: a misspelt field and a wrong type are errors."""
    deployment = next(iter(_by_kind("Deployment").values()))
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _app_paths(module: str) -> set[str]:
    """The routes a service serves (its app in dev mode, not started)."""
    import importlib

    app: FastAPI = importlib.import_module(module + ".app").create_app(
        SETTINGS[module](database_url="sqlite+aiosqlite:///:memory:"))
    return {getattr(route, "path", "") for route in app.routes}


def test_every_deployment_probes_the_health_routes_and_runs_locked_down() -> None:
    deployments = _by_kind("Deployment")
    assert set(deployments) == {"portal", "siki", "lsp-a", "lsp-b", "bnsp", "lpjk"}
    paths: dict[str, set[str]] = {}
    for name, dep in deployments.items():
        pod = dep["spec"]["template"]["spec"]
        (main,) = pod["containers"]
        module = main["command"][2]
        if module not in paths:
            paths[module] = _app_paths(module)
        assert main["command"][:2] == ["python", "-m"] and module in SETTINGS, name
        assert main["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert main["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        assert {"/readyz", "/healthz", "/metrics"} <= paths[module], name
        port = {p["name"]: p["containerPort"] for p in main["ports"]}["http"]
        assert main["readinessProbe"]["httpGet"]["port"] in ("http", port), name
        # Non-root, read-only root file system, nothing to escalate; writable scratch mounted.
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
        for container in [main, *pod.get("initContainers", [])]:
            ctx = container["securityContext"]
            assert ctx["readOnlyRootFilesystem"] is True and ctx["allowPrivilegeEscalation"] is False, name
            assert ctx["capabilities"]["drop"] == ["ALL"], name
            assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"]
        assert {m["mountPath"] for m in main["volumeMounts"]} >= {"/app/var", "/tmp"}, name
        request, limit = (_mi(main["resources"][k]["memory"]) for k in ("requests", "limits"))
        assert MIN_MEMORY_REQUEST_MI <= request < limit, name
        assert main["resources"]["requests"]["cpu"], name
        assert dep["spec"]["replicas"] == (2 if name in REPLICATED else 1), name
        assert pod["automountServiceAccountToken"] is False, name


def test_the_migration_runs_before_the_pods() -> None:
    """The Job migrates every instance (compose's one-shot); each pod's init container migrates
    its own database (a no-op after the Job) before the service starts with migrations off."""
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    job = _by_kind("Job")["skk-migrate"]
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == compose["services"]["migrate"]["command"] == ["python", "-m", "scripts.migrate"]
    assert {e["name"] for e in container["env"]} >= {"SKK_MIGRATE_URL_TEMPLATE"}
    assert _by_kind("ConfigMap")["skk-common"]["data"]["SKK_MIGRATE_ON_STARTUP"] == "false"
    instances = set()
    for name, dep in _by_kind("Deployment").items():
        pod = dep["spec"]["template"]["spec"]
        (init,) = pod["initContainers"]
        (main,) = pod["containers"]
        assert init["command"][:4] == ["python", "-m", "scripts.migrate", "--service"], name
        instance, package = resolve(init["command"][4])
        assert main["command"][2] == f"services.{package}", name
        db = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in [*init["env"], *main["env"]]
              if e["name"] == "SKK_DATABASE_URL"}
        assert db and all(ref == db["SKK_DATABASE_URL"] for ref in db.values()), name
        assert init["image"] == main["image"], name
        instances.add(instance)
    assert instances == set(SERVICES)


def test_services_and_disruption_budgets_select_their_pods() -> None:
    services, budgets = _by_kind("Service"), _by_kind("PodDisruptionBudget")
    for name, dep in _by_kind("Deployment").items():
        labels = dep["spec"]["template"]["metadata"]["labels"]
        assert _labels_match(dep["spec"]["selector"]["matchLabels"], labels), name
        svc = services[name]
        assert _labels_match(svc["spec"]["selector"], labels), name
        (main,) = dep["spec"]["template"]["spec"]["containers"]
        assert svc["spec"]["ports"][0]["targetPort"] in [p["name"] for p in main["ports"]], name
        if name in REPLICATED:
            pdb = budgets[name]["spec"]
            assert _labels_match(pdb["selector"]["matchLabels"], labels), name
            assert pdb["minAvailable"] < dep["spec"]["replicas"], name  # a drain may proceed
    assert set(budgets) == REPLICATED
    # The parties reach each other by these names (SKK_*_URL).
    common = _by_kind("ConfigMap")["skk-common"]["data"]
    for var, target in (("SKK_PORTAL_URL", "portal"), ("SKK_SIKI_URL", "siki"), ("SKK_BNSP_URL", "bnsp"),
                        ("SKK_LPJK_URL", "lpjk")):
        port = services[target]["spec"]["ports"][0]["port"]
        assert common[var] == f"http://{target}:{port}", var
    external = {n: s["spec"] for n, s in services.items() if s["spec"]["type"] == "ExternalName"}
    assert set(external) == {"postgres", "rabbitmq"}


def test_secrets_only_by_reference_and_each_documented() -> None:
    docs = k8s_docs()
    assert not [d for d in docs if d["kind"] == "Secret"], "no Secret objects (values) in the repository"
    secret_fields = {f"SKK_{field.upper()}" for cls in SETTINGS.values()
                     for field in (*cls.secret_fields, *cls.optional_secret_fields)}
    secret_fields |= {"SKK_DATABASE_URL", "SKK_AMQP_URL", "SKK_DATA_KEYS", "SKK_BLIND_INDEX_KEY",
                      "SKK_CERTIFICATE_SIGNING_KEY_PEM", "SKK_SMTP_URL"}
    for name, data in _by_kind("ConfigMap").items():
        assert not set(data) & secret_fields, f"ConfigMap {name} holds a secret"
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([\w-]+)` \| `([\w-]+)` \|", operations, re.M))
    referenced: set[tuple[str, str]] = set()
    for text in [json.dumps(d) for d in docs]:
        referenced |= set(re.findall(r'"secretKeyRef": \{"name": "([\w-]+)", "key": "([\w-]+)"', text))
        for secret in re.findall(r'"secretRef": \{"name": "([\w-]+)"\}', text):
            assert any(s == secret for s, _ in documented), secret
    assert referenced and referenced <= documented, sorted(referenced - documented)


def _consumer_queues() -> list[str]:
    lsps = sorted({d["data"]["SKK_LSP_CODE"] for d in _by_kind("ConfigMap").values()
                   if "SKK_LSP_CODE" in d.get("data", {})})
    assert lsps == ["LSP-A", "LSP-B"]
    return [*QUEUES, *(f"lsp.{code}" for code in lsps)]


def test_every_consumer_queue_has_a_delivery_limit_and_its_dead_letter_queue() -> None:
    policies = json.loads((ROOT / "deploy" / "rabbitmq" / "policies.json").read_text(encoding="utf-8"))["policies"]
    exchange = SETTINGS["services.siki"].model_fields["bus_exchange"].default
    for queue in _consumer_queues():
        name = f"{exchange}.{queue}"
        matching = [p for p in policies if re.fullmatch(p["pattern"], name)]
        assert len(matching) == 1, name
        definition = matching[0]["definition"]
        assert definition["delivery-limit"] >= 5, name
        assert (definition["dead-letter-exchange"], definition["dead-letter-routing-key"]) == ("", name + ".dead")
        # Not the retry or dead-letter queues: those dead-letter by their own arguments.
        assert not re.fullmatch(matching[0]["pattern"], name + ".retry"), name
        assert not re.fullmatch(matching[0]["pattern"], name + ".dead"), name
        assert matching[0]["apply-to"] == "queues" and matching[0]["vhost"] == "/"


def test_the_setup_job_imports_the_same_policies() -> None:
    config = _by_kind("ConfigMap")["skk-rabbitmq-policies"]["data"]["policies.json"]
    assert json.loads(config) == json.loads((ROOT / "deploy" / "rabbitmq" / "policies.json").read_text())
    job = _by_kind("Job")["skk-rabbitmq-setup"]["spec"]["template"]["spec"]
    (users,) = job["initContainers"]
    assert users["command"][:4] == ["python", "-m", "scripts.broker_users", "definitions"]
    lsps = {users["command"][i + 1] for i, arg in enumerate(users["command"]) if arg == "--lsp"}
    assert {f"lsp.{code}" for code in lsps} == {q for q in _consumer_queues() if q.startswith("lsp.")}


@pytest.mark.rabbitmq
def test_the_policies_apply_to_quorum_queues_on_a_broker(amqp_url: str) -> None:
    """RabbitMQ accepts the policies (imported into a throw-away vhost whose default queue type is
    quorum, as docs/OPERATIONS.md "RabbitMQ" sets up), and a queue declared as the bus declares it
    is a quorum queue under its policy; the retry and dead-letter queues are not."""
    import asyncio
    import uuid

    import aio_pika

    from scripts.broker_users import Rabbitmqctl
    from shared.bus.rabbitmq import SAC_ARGUMENTS

    vhost = f"skkt-policies-{uuid.uuid4().hex[:8]}"
    doc = json.loads((ROOT / "deploy" / "rabbitmq" / "policies.json").read_text(encoding="utf-8"))
    for policy in doc["policies"]:
        policy["vhost"] = vhost
    user = re.match(r"amqp://([^:@/]+)", amqp_url)
    assert user, amqp_url
    ctl = Rabbitmqctl()
    ctl("add_vhost", vhost, "--default-queue-type", "quorum")
    try:
        ctl("set_permissions", "-p", vhost, user.group(1), ".*", ".*", ".*")
        ctl("import_definitions", stdin=json.dumps(doc))
        queue = "skk.events.siki"

        async def declare() -> None:
            conn = await aio_pika.connect(amqp_url.rsplit("/", 1)[0] + "/" + vhost)
            try:
                channel = await conn.channel()
                await channel.declare_queue(queue, durable=True, arguments=SAC_ARGUMENTS)
                await channel.declare_queue(queue + ".retry", durable=True, arguments={
                    "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue})
                await channel.declare_queue(queue + ".dead", durable=True)
            finally:
                await conn.close()

        asyncio.run(declare())
        rows = {r["name"]: r for r in ctl.json("list_queues", "-p", vhost, "name", "type", "policy")}
        assert (rows[queue]["type"], rows[queue]["policy"]) == ("quorum", "skk-siki")
        assert not rows[queue + ".retry"]["policy"] and not rows[queue + ".dead"]["policy"]
    finally:
        ctl("delete_vhost", vhost)
