"""``deploy/prometheus/alerts.yaml`` and ``deploy/grafana/skk-chain.json``: well-formed, and every
expression names only metrics the services export (so no alert or panel silently watches
nothing). And SIKI's
``webhook_delivery_failures_total``, which an alert watches, counts a failed delivery."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import yaml

from services.siki.tests.conftest import WEBHOOK_A, build_settings, eventually, running, submission

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
ALERTS = DEPLOY / "prometheus" / "alerts.yaml"
DASHBOARD = DEPLOY / "grafana" / "skk-chain.json"

# What the services export (shared/runtime.py, shared/housekeeping.py, the bus, SIKI's webhook sender)
# and Prometheus's own `up`; a histogram's series carry _bucket, _sum and _count.
COUNTERS = {"http_requests_total", "events_handled_total", "events_refused_total", "event_retries_total",
            "webhook_delivery_failures_total"}
GAUGES = {"dead_letter_messages", "outbox_oldest_unpublished_seconds", "up"}
HISTOGRAMS = {"http_request_seconds", "event_handler_seconds"}
EXPORTED = COUNTERS | GAUGES | {h + s for h in HISTOGRAMS for s in ("_bucket", "_sum", "_count")}
LABELS = {"http_requests_total": {"method", "route", "status"}, "http_request_seconds": {"method", "route"},
          "events_handled_total": {"queue", "type", "outcome"}, "events_refused_total": {"queue", "type", "reason"},
          "event_handler_seconds": {"queue", "type"}, "event_retries_total": {"queue", "type"},
          "dead_letter_messages": {"queue"}, "outbox_oldest_unpublished_seconds": set(),
          "webhook_delivery_failures_total": {"lsp"}, "up": set()}
# Labels Prometheus adds to every scraped series (the scrape config's job and target).
TARGET_LABELS = {"job", "instance", "service", "namespace", "pod", "le"}
# PromQL words that look like names: functions, aggregations, keywords, units.
PROMQL = {"sum", "rate", "irate", "increase", "max", "min", "avg", "count", "by", "without", "on", "ignoring",
          "group_left", "group_right", "histogram_quantile", "and", "or", "unless", "bool", "clamp_min",
          "max_over_time", "min_over_time", "avg_over_time", "absent", "topk", "vector", "offset", "time",
          "label_replace", "le", "delta", "deriv", "sort_desc"}


def _names(expr: str) -> set[str]:
    """The metric names an expression reads: identifiers outside strings, label matchers,
    ``by (...)`` lists and range selectors, less PromQL's own words."""
    text = re.sub(r'"[^"]*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", "{}", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\[[^\]]*\]", "[]", text)
    return {n for n in re.findall(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b", text)
            if n not in PROMQL and not re.fullmatch(r"\d+[smhd]?|e\d+", n)}


def _matched_labels(expr: str) -> dict[str, set[str]]:
    """metric -> the labels its selectors match on."""
    found: dict[str, set[str]] = {}
    for metric, body in re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}", re.sub(r'"[^"]*"', '""', expr)):
        found.setdefault(metric, set()).update(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", body))
    return found


def _check_expression(expr: str, where: str) -> None:
    names = _names(expr)
    assert names, f"{where}: no metric in {expr!r}"
    unknown = names - EXPORTED
    assert not unknown, f"{where}: {sorted(unknown)} are not exported metrics"
    for metric, labels in _matched_labels(expr).items():
        base = re.sub(r"_(bucket|sum|count)$", "", metric) if metric not in LABELS else metric
        extra = labels - LABELS.get(base, set()) - TARGET_LABELS
        assert not extra, f"{where}: {metric} has no label(s) {sorted(extra)}"


def _rules() -> list[dict[str, Any]]:
    doc = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert set(doc) == {"groups"}
    rules = []
    for group in doc["groups"]:
        assert set(group) <= {"name", "interval", "rules", "labels", "limit"} and group["rules"], group.get("name")
        rules += group["rules"]
    return rules


def test_alert_rules_are_well_formed_and_watch_exported_metrics() -> None:
    rules = _rules()
    names = [r["alert"] for r in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}, rule["alert"]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"])
        assert rule["labels"]["severity"] in {"page", "ticket"}, rule["alert"]
        assert {"summary", "runbook"} <= set(rule["annotations"]), rule["alert"]
        # The runbook is a section of docs/OPERATIONS.md that exists.
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert anchor in _operations_anchors(), rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "0s")), rule["alert"]
        _check_expression(rule["expr"], rule["alert"])
    # What the issue asks to watch, each by at least one rule.
    watched = " ".join(r["expr"] for r in rules)
    for metric in ("outbox_oldest_unpublished_seconds", "dead_letter_messages", "events_handled_total",
                   "event_retries_total", "webhook_delivery_failures_total", "http_requests_total", "up"):
        assert metric in watched, metric


def _operations_anchors() -> set[str]:
    text = (DEPLOY.parent / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    return {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#+ (.+)$", text, re.M)}


def test_the_expression_check_catches_a_wrong_name_or_label() -> None:
    with pytest.raises(AssertionError, match="not exported"):
        _check_expression("rate(http_request_total[5m]) > 1", "typo")
    with pytest.raises(AssertionError, match="no label"):
        _check_expression('sum(rate(events_handled_total{outcome="error",lsp="x"}[5m])) > 0', "label")
    _check_expression('histogram_quantile(0.95, sum by (le, queue) (rate(event_handler_seconds_bucket[5m])))', "ok")


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels += panel.get("panels", [])
    return panels


def test_the_dashboard_is_well_formed_and_shows_exported_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] and dashboard["title"] and isinstance(dashboard["schemaVersion"], int)
    ids = [p["id"] for p in _panels(dashboard)]
    assert len(ids) == len(set(ids))
    shown = set()
    for panel in _panels(dashboard):
        if panel["type"] == "row":
            continue
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"]), panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            expr = re.sub(r"\$__rate_interval|\$__range|\$interval", "5m", target["expr"])
            expr = re.sub(r'"\$\w+"', '"x"', re.sub(r"\$(\w+)", r"\1", expr)) if "$" in expr else expr
            _check_expression(expr, panel["title"])
            shown |= _names(expr)
    assert {"outbox_oldest_unpublished_seconds", "dead_letter_messages", "event_handler_seconds_bucket",
            "event_retries_total", "webhook_delivery_failures_total", "http_requests_total"} <= shown


async def test_a_failed_webhook_delivery_shows_on_sikis_metrics(sqlite_url: str) -> None:
    """Two attempts to LSP-A answered 503: the counter reads 2 for LSP-A on /metrics."""
    settings = build_settings(sqlite_url, webhook_max_attempts=2)
    with respx.mock(assert_all_called=False) as lsp_http:
        lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(503, text="maintenance"))
        async with running(settings) as h:
            body = submission()
            assert (await h.submit(body)).status_code == 202

            async def dead() -> bool:
                found = await h.deliveries(application_id=body["id"])
                return bool(found) and found[0]["status"] == "dead"

            await eventually(dead, what="the delivery dead after two attempts")
            metrics = (await h.client.get("/metrics")).text
    assert re.search(r'^webhook_delivery_failures_total\{lsp="LSP-A"\} 2\.0$', metrics, re.M), metrics[-2000:]
