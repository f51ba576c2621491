"""A service tunes the cyclic garbage collector once it has started (shared/gctuning.py): what
start-up built is frozen, young collections come less often, and garbage made later is still
collected; its /metrics show the collector's CPU time. The tuning runs in a fresh interpreter
(freezing is for the whole process)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from shared.gctuning import YOUNG_THRESHOLD

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import asyncio, gc, json, sys, tempfile, weakref
import httpx
from services.bnsp_mock.app import create_app
from services.bnsp_mock.settings import BnspSettings

class Node:
    pass

async def main() -> None:
    url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bnsp.db"
    app = create_app(BnspSettings(database_url=url, gc_tuned_after_startup=sys.argv[1] == "on"))
    default = gc.get_threshold()
    async with app.router.lifespan_context(app):
        walked = {id(o) for o in gc.get_objects()}
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle made after start-up: only the collector frees it
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            metrics = (await client.get("/metrics")).text
        print(json.dumps({"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(), "default": default,
                          "app_walked": id(app) in walked, "later_cycle_collected": gone() is None,
                          "metrics_show_gc": 'python_gc_cpu_seconds_total{generation="2"}' in metrics
                                             and 'python_gc_collections_total{generation="2"}' in metrics}))

asyncio.run(main())
"""


def _probe(mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_started_service_freezes_its_start_up_heap_and_collects_young_objects_less_often() -> None:
    result = _probe("on")
    frozen, default = result["frozen"], result["default"]
    assert isinstance(frozen, int) and frozen > 50_000  # modules, classes, the app
    assert result["app_walked"] is False  # no collection walks what start-up built
    assert isinstance(default, list)
    assert result["threshold"] == [YOUNG_THRESHOLD, *default[1:]]
    assert result["later_cycle_collected"] is True
    assert result["metrics_show_gc"] is True


def test_with_the_setting_off_the_collector_keeps_cpython_s_defaults() -> None:
    result = _probe("off")
    assert result["frozen"] == 0
    assert result["app_walked"] is True
    assert result["threshold"] == result["default"]
    assert result["later_cycle_collected"] is True


def test_a_service_s_metrics_show_the_collector_s_cpu_time_by_generation() -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    from shared.gctuning import GcTimeCollector

    registry = CollectorRegistry()
    collector = GcTimeCollector()
    registry.register(collector)
    before = list(collector.clock.seconds)
    gc.collect()
    assert collector.clock.seconds[2] > before[2]
    text = generate_latest(registry).decode()
    assert f'python_gc_cpu_seconds_total{{generation="2"}} {collector.clock.seconds[2]}' in text
    assert GcTimeCollector().clock is collector.clock  # one clock (one gc callback) per process
