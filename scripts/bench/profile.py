"""Where each service's CPU goes under the bench's load: py-spy samples every process of the chain
during the full-load phase (``--profile``) and the collapsed stacks become three tables per
service, written to ``bench-results/`` beside the raw stacks (load them in speedscope or
flamegraph.pl for a flame graph):

- by entry point: the API operation or event handler a sample ran under (its frame in a service's
  ``api/`` or ``events.py``), or the machinery outside any handler (middleware, the bus, the
  outbox relay, the event loop): the per-request and per-event CPU breakdown;
- by package: where the leaf frame lives (a library, the standard library, the project);
- by function: the top functions by own samples and by inclusive samples.

py-spy samples without stopping the process (``--nonblocking``), so the load is not slowed by it
beyond the sampler's own CPU, which the bench's CPU figures do not count (it is another process).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.bench.threads import worker_share

RATE = 97  # samples per second and process: off the beat of 100 Hz timers
TOP = 25
_FRAME = re.compile(r"^(?P<func>.*) \((?P<path>[^():]*):?(?P<line>\d*)\)$")
_SITE = re.compile(r"(?:site|dist)-packages/(?P<pkg>[A-Za-z0-9_]+)")
_STDLIB = re.compile(r"/python3\.\d+/(?P<mod>[A-Za-z0-9_]+)")
GREENLET = "database (a greenlet: SQLAlchemy's sync layer, its caller not visible)"
# A service's own event handlers may sit in a subpackage's events.py (the LSP's issuance/).
_ENTRY = re.compile(r"(?P<svc>services/[a-z_]+)/(?:api/[a-z_]+\.py|(?:[a-z_]+/)?events\.py|web/[a-z_]+\.py)$")


@dataclass
class Frame:
    func: str
    path: str

    @property
    def package(self) -> str:
        """The top-level package (``services/<name>`` for the project's services). py-spy names
        files relative to their sys.path entry (``asyncpg/connection.py``) unless asked for full
        paths; both forms are read."""
        if m := _SITE.search(self.path):
            return m.group("pkg")
        for root in ("services/", "shared/", "scripts/"):
            if self.path.startswith(root) or f"/{root}" in self.path:
                rest = self.path.split(root, 1)[1]
                return root + rest.split("/", 1)[0] if root == "services/" else root.rstrip("/")
        if m := _STDLIB.search(self.path):
            return m.group("mod").removesuffix(".py")
        if self.path and not self.path.startswith(("/", "<")):
            return self.path.split("/", 1)[0].removesuffix(".py")
        return self.path or "?"

    @property
    def name(self) -> str:
        short = self.path.split("site-packages/")[-1].split("/work/")[-1]
        short = re.sub(r"^.*/(services|shared|scripts)/", r"\1/", short)
        return f"{self.func} ({short})"


def parse_frame(text: str) -> Frame:
    m = _FRAME.match(text.strip())
    return Frame(m.group("func"), m.group("path")) if m else Frame(text.strip(), "")


@dataclass
class Profile:
    """One process's collapsed stacks (py-spy ``--format raw``: ``root;...;leaf count``)."""

    samples: int = 0
    own: Counter[str] = field(default_factory=Counter)
    inclusive: Counter[str] = field(default_factory=Counter)
    packages: Counter[str] = field(default_factory=Counter)
    entries: Counter[str] = field(default_factory=Counter)
    # The database's greenlets by the sync call they run (their caller is not visible): what
    # kind of ORM work the largest unattributed entry point is (gets, flushes, commits...).
    greenlets: Counter[str] = field(default_factory=Counter)

    @classmethod
    def parse(cls, text: str) -> Profile:
        p = cls()
        for line in text.splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            frames = [parse_frame(f) for f in stack.split(";")]
            p.samples += n
            leaf = frames[-1]
            p.own[leaf.name] += n
            p.packages[leaf.package] += n
            for name in {f.name for f in frames}:
                p.inclusive[name] += n
            entry = entry_point(frames)
            p.entries[entry] += n
            if entry == GREENLET:
                p.greenlets[frames[0].func] += n
        return p

    def tables(self, top: int = TOP) -> dict[str, list[tuple[str, float]]]:
        def pct(counter: Counter[str]) -> list[tuple[str, float]]:
            return [(k, round(100 * v / self.samples, 1)) for k, v in counter.most_common(top)] if self.samples else []

        return {"entry_points": pct(self.entries), "packages": pct(self.packages), "own": pct(self.own),
                "inclusive": pct(self.inclusive), "greenlets": pct(self.greenlets)}


def entry_point(frames: list[Frame]) -> str:
    """The handler a sample ran under (outermost frame in a service's api/, web/ or events.py),
    else what ran it: the bus, the outbox relay, middleware, uvicorn's HTTP protocol, a task of
    the project's own, or the event loop itself.

    Every stack of a service's main thread passes through uvicorn's ``Server.run``: only its
    protocol code counts as the HTTP server. A sample whose innermost frame is the loop's run call
    is the loop's own work (polling, and callbacks in native code that py-spy does not see:
    asyncpg's, httptools', uvloop's protocols reading and parsing what arrived)."""
    for f in frames:
        # An ASGI wrapper's ``__call__`` (LPJK's QR redirect) passes every request on: not a handler.
        if _ENTRY.search(f.path) and not f.func.endswith(".__call__"):
            return f"handler {f.func} ({_ENTRY.search(f.path).group(0)})"  # type: ignore[union-attr]
    if any(f.func == "handle_once" for f in frames):  # shared/outbox.py, but the consumer's side
        return "event consumer: inbox claim and transaction"
    paths = " ".join(f.path for f in frames)
    for marker, label in (("shared/outbox", "outbox relay"), ("shared/bus", "event bus"),
                          ("aio_pika", "event bus"), ("aiormq", "event bus"),
                          ("shared/request_middleware", "middleware"), ("shared/idempotency", "middleware"),
                          ("starlette/middleware", "middleware"), ("uvicorn/protocols", "HTTP server (uvicorn)"),
                          ("httptools", "HTTP server (uvicorn)")):
        if marker in paths:
            return label
    own = next((f for f in frames if f.package.startswith("services/") and "__main__" not in f.path), None)
    root = frames[0].path if frames else ""
    if "concurrent/futures" in root or "threading" in root:
        return "worker threads: " + (own.name if own is not None else frames[-1].package)
    if own is not None:
        return f"task {own.name}"
    for marker, label in (("asyncpg", "database driver (outside handlers)"), ("logging", "logging (outside handlers)")):
        if marker in paths:
            return label
    # A greenlet's stack starts at the sync function SQLAlchemy runs in it: its own, or the
    # services' sessions' get (shared/kept_get.py).
    if "sqlalchemy" in root or "greenlet" in root or root.endswith("shared/kept_get.py"):
        return GREENLET
    if frames and frames[-1].func.rsplit(".", 1)[-1] in ("run", "run_forever", "run_until_complete", "_run_once") \
            and ("asyncio" in frames[-1].path or "uvloop" in frames[-1].path):
        return "event loop (its own work, native protocol callbacks)"
    return "event loop and other"


def write_report(name: str, profile: Profile, path: Path) -> None:
    t = profile.tables()
    lines = [f"# {name}: {profile.samples} samples at {RATE} Hz", ""]
    for title, key in (("by entry point (inclusive)", "entry_points"),
                       ("the database's greenlets by the sync call they run (share of all samples)", "greenlets"),
                       ("by package (own time)", "packages"), ("by function (own time)", "own"),
                       ("by function (inclusive)", "inclusive")):
        lines += [f"## {title}", ""] + [f"{v:6.1f} %  {k}" for k, v in t[key]] + [""]
    path.write_text("\n".join(lines))


class Profiler:
    """py-spy on each process while the load runs (``start`` ... ``stop``)."""

    def __init__(self, pids: dict[str, int], out_dir: Path, stamp: str) -> None:
        self.pids = pids
        self.out_dir = out_dir
        self.stamp = stamp
        self.procs: dict[str, tuple[asyncio.subprocess.Process, Path]] = {}

    @staticmethod
    def available() -> str | None:
        beside = Path(sys.executable).parent / "py-spy"  # the venv's, installed by make install
        return str(beside) if beside.exists() else shutil.which("py-spy")

    async def start(self) -> None:
        exe = self.available()
        if exe is None:
            raise RuntimeError("--profile needs py-spy (make install puts it in .venv)")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, pid in self.pids.items():
            raw = self.out_dir / f"profile-{self.stamp}-{_slug(name)}.collapsed.txt"
            proc = await asyncio.create_subprocess_exec(
                exe, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw", "--nonblocking",
                "--output", str(raw), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            self.procs[name] = (proc, raw)

    async def stop(self) -> dict[str, Any]:
        """Stop the samplers, write the tables; a summary per process for the bench's report."""
        for proc, _ in self.procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
        summary: dict[str, Any] = {}
        for name, (proc, raw) in self.procs.items():
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
            if not raw.exists():
                summary[name] = {"error": "py-spy wrote nothing"}
                continue
            profile = Profile.parse(raw.read_text(errors="replace"))
            table = raw.with_name(raw.name.replace(".collapsed.txt", ".top.txt"))
            write_report(name, profile, table)
            t = profile.tables(top=8)
            summary[name] = {"samples": profile.samples, "stacks": str(raw), "tables": str(table),
                             "entry_points": t["entry_points"], "packages": t["packages"], "own": t["own"],
                             "greenlets": t["greenlets"],
                             "worker_threads_share": worker_share(profile.entries)}
        return summary


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
