"""Idle RSS of every service, as the benchmark reads it (issue 17: under 100 MiB each), and what
it is made of: ``python -m scripts.bench.idle_rss [--contributors] [--top N]``.

The chain starts as the benchmark starts it (``processes_chain``: one process per service,
PostgreSQL + RabbitMQ, migrated by the prestart step), settles 3 s and VmRSS is read from /proc.
With ``--contributors`` every service process also records, for each module it imports, how much
its RSS grew while that module's own code ran (its imports excluded), summed by top-level
package, and writes the table when read: which libraries start-up pays for, and how much of the
RSS came after the imports (building the app, connecting, the pools). The recording itself costs
about 1 MiB, so compare the plain readings only with each other.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from scripts.bench.chain import COMMON_ENV, SERVICE_ENV, read_rss
from scripts.simulator.chains import processes_chain

# Put on PYTHONPATH as sitecustomize.py: imported by each service process before anything else.
_RECORDER = textwrap.dedent('''
    """Installed by scripts/bench/idle_rss.py: RSS grown while each module's own code ran."""
    import atexit, json, os, signal, sys
    import importlib._bootstrap as _bootstrap

    _PAGE = os.sysconf("SC_PAGE_SIZE")
    _statm = open("/proc/self/statm", "rb", buffering=0)
    def _rss():
        _statm.seek(0)
        return int(_statm.read().split()[1]) * _PAGE
    _by_package, _by_module, _stack, _start = {}, {}, [], _rss()
    _load = _bootstrap._load_unlocked

    def _load_unlocked(spec):
        _stack.append([_rss(), 0])
        try:
            return _load(spec)
        finally:
            begin, children = _stack.pop()
            grown = _rss() - begin
            top = spec.name.split(".")[0]
            _by_package[top] = _by_package.get(top, 0) + grown - children
            _by_module[spec.name] = grown - children
            if _stack:
                _stack[-1][1] += grown

    _bootstrap._load_unlocked = _load_unlocked

    def _write(*_):
        total = _rss()
        imported = sum(_by_package.values())
        report = {"rss": total, "interpreter": _start, "imports": imported,
                  "after_imports": total - _start - imported, "packages": _by_package,
                  "modules": _by_module}
        with open(os.environ["SKK_IDLE_RSS_REPORT"] + f".{os.getpid()}.json", "w") as f:
            json.dump(report, f)
    signal.signal(signal.SIGUSR2, _write)
''')

MIB = 1024 * 1024


def _recorder_env(tmp: str) -> dict[str, str]:
    """The environment that makes each service process record its imports (see _RECORDER)."""
    Path(tmp, "sitecustomize.py").write_text(_RECORDER, encoding="utf-8")
    root = str(Path(__file__).resolve().parents[2])
    return {"PYTHONPATH": os.pathsep.join([tmp, root]), "SKK_IDLE_RSS_REPORT": str(Path(tmp, "report"))}


def _read_report(tmp: str, pid: int) -> dict[str, Any] | None:
    path = Path(tmp, f"report.{pid}.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


async def measure(*, contributors: bool, settle: float = 3.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="skk-idle-rss-") as tmp:
        extra = {**COMMON_ENV, **(_recorder_env(tmp) if contributors else {})}
        async with processes_chain(Path(tmp, "logs"), extra_env=extra, service_env=SERVICE_ENV) as running:
            await asyncio.sleep(settle)  # as scripts/bench/chain.py does before its idle reading
            result: dict[str, Any] = {}
            for n, pid in running.pids.items():
                memory = read_rss(pid)
                result[n] = {k: memory[k] for k in ("rss_mib", "anon_mib", "file_mib", "pss_mib")}
            if contributors:
                for pid in running.pids.values():
                    os.kill(pid, signal.SIGUSR2)  # the recorder writes its report
                await asyncio.sleep(0.5)
                for name, pid in running.pids.items():
                    result[name]["contributors"] = _read_report(tmp, pid)
        return result


def _print(result: dict[str, Any], top: int, modules: bool) -> None:
    for name, row in result.items():
        print(f"{name:8s} {row['rss_mib']:7.1f} MiB (anonymous {row['anon_mib']}, files {row['file_mib']};"
              f" PSS {row['pss_mib']} MiB)")
    for name, row in result.items():
        report = row.get("contributors")
        if not report:
            continue
        print(f"\n{name}: RSS {report['rss'] / MIB:.1f} MiB = interpreter {report['interpreter'] / MIB:.1f}"
              f" + imports {report['imports'] / MIB:.1f} + after the imports {report['after_imports'] / MIB:.1f}")
        packages = sorted(report["packages"].items(), key=lambda kv: -kv[1])
        print("  " + ", ".join(f"{p} {v / MIB:.1f}" for p, v in packages[:top]))
        if modules:
            biggest = sorted(report["modules"].items(), key=lambda kv: -kv[1])
            print("  modules: " + ", ".join(f"{m} {v / MIB:.1f}" for m, v in biggest[:top]))


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.idle_rss", description=__doc__)
    p.add_argument("--contributors", action="store_true", help="also what each service's RSS is made of")
    p.add_argument("--top", type=int, default=30, help="packages listed per service")
    p.add_argument("--modules", action="store_true", help="with --contributors: the biggest modules too")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    result = asyncio.run(measure(contributors=args.contributors))
    if args.json:
        json.dump(result, sys.stdout, indent=1)
    else:
        _print(result, args.top, args.modules)


if __name__ == "__main__":
    main()
