"""The bench's profile tables (scripts/bench/profile.py) from collapsed stacks as py-spy writes
them, and one real py-spy run against a busy process."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from scripts.bench.profile import Profile, Profiler, entry_point, parse_frame

SITE = "/w/.venv/lib/python3.11/site-packages"
LOOP = "_run_once (/usr/lib/python3.11/asyncio/base_events.py:1922)"
HANDLER = "decide (/w/services/lsp/api/routes.py:117)"
USECASE = "decide_competence (/w/services/lsp/usecases/decisions.py:40)"
VALIDATE = f"validate_python ({SITE}/pydantic/type_adapter.py:300)"
DUMPS = "dumps (/usr/lib/python3.11/json/__init__.py:231)"
RELAY = "publish_pending (/w/shared/outbox_relay.py:210)"
RAW = "\n".join([
    f"{LOOP};{HANDLER};{USECASE};{VALIDATE} 6",
    f"{LOOP};{HANDLER};{DUMPS} 2",
    f"{LOOP};{RELAY};{DUMPS} 2",
    "not a stack line",
])


def test_tables_by_entry_point_package_and_function() -> None:
    p = Profile.parse(RAW)
    assert p.samples == 10
    t = p.tables()
    assert t["entry_points"][0] == ("handler decide (services/lsp/api/routes.py)", 80.0)
    assert ("outbox relay", 20.0) in t["entry_points"]
    assert dict(t["packages"]) == {"pydantic": 60.0, "json": 40.0}
    own = dict(t["own"])
    assert own["validate_python (pydantic/type_adapter.py)"] == 60.0
    inclusive = dict(t["inclusive"])
    assert inclusive["decide_competence (services/lsp/usecases/decisions.py)"] == 60.0
    assert inclusive["_run_once (/usr/lib/python3.11/asyncio/base_events.py)"] == 100.0


def test_the_database_s_greenlets_are_told_apart_by_the_sync_call_they_run() -> None:
    flush = f"Session.flush ({SITE}/sqlalchemy/orm/session.py:4626);_emit ({SITE}/sqlalchemy/orm/persistence.py:929)"
    get = f"KeptGetSession.get (/w/shared/kept_get.py:54);execute ({SITE}/sqlalchemy/orm/session.py:2555)"
    p = Profile.parse(f"{flush} 3\n{get} 1\n{LOOP};{RELAY} 4\n")
    t = p.tables()
    assert dict(t["entry_points"])["database (a greenlet: SQLAlchemy's sync layer, its caller not visible)"] == 50.0
    assert t["greenlets"] == [("Session.flush", 37.5), ("KeptGetSession.get", 12.5)]


def test_frames_and_entry_points() -> None:
    f = parse_frame(USECASE)
    assert (f.func, f.package) == ("decide_competence", "services/lsp")
    assert parse_frame("<module> (x)").func == "<module>"
    assert entry_point([parse_frame(LOOP)]) == "event loop (its own work, native protocol callbacks)"
    assert entry_point([parse_frame("select (/usr/lib/python3.11/selectors.py:468)")]) == "event loop and other"
    # The inbox's side of shared/outbox.py is an event being consumed, not the relay publishing.
    inbox = parse_frame("handle_once (/w/shared/outbox.py:407)")
    assert entry_point([parse_frame(LOOP), inbox]) == "event consumer: inbox claim and transaction"
    assert entry_point([parse_frame(LOOP), parse_frame(RELAY)]) == "outbox relay"
    # A subpackage's handlers are handlers too, not the bus that called them.
    issuance = [parse_frame(LOOP), parse_frame("RabbitMqBus._attempt (/w/shared/bus/rabbitmq.py:364)"),
                parse_frame("register_issuance.<locals>.on_issuance_requested (/w/services/lsp/issuance/events.py:62)")]
    assert entry_point(issuance) == ("handler register_issuance.<locals>.on_issuance_requested "
                                     "(services/lsp/issuance/events.py)")
    # An ASGI wrapper in web/ (LPJK's QR redirect) is on every request's stack: the handler inside it counts.
    wrapped = [parse_frame(LOOP), parse_frame("QrTargetRedirect.__call__ (/w/services/lpjk_mock/web/qr_target.py:58)"),
               parse_frame("create_record (/w/services/lpjk_mock/api/records.py:40)")]
    assert entry_point(wrapped) == "handler create_record (services/lpjk_mock/api/records.py)"
    # The services' sessions' get runs in a greenlet of its own: the database's, as SQLAlchemy's get was.
    kept = [parse_frame("KeptGetSession.get (/w/shared/kept_get.py:54)"),
            parse_frame(f"Session.execute ({SITE}/sqlalchemy/orm/session.py:2555)")]
    assert entry_point(kept).startswith("database (a greenlet")


def test_the_main_thread_s_server_frames_do_not_make_everything_http() -> None:
    """Every stack of a service's main thread runs under uvicorn's Server.run: what is not its
    HTTP protocol is the loop's own work or a task of the project's."""
    main = [parse_frame(x) for x in (
        "serve (/w/services/lsp/__main__.py:35)", f"Server.run ({SITE}/uvicorn/server.py:86)",
        "Runner.run (/usr/lib/python3.11/asyncio/runners.py:118)")]
    assert entry_point(main) == "event loop (its own work, native protocol callbacks)"
    task = [*main, parse_frame("ReportSender._send (/w/services/lsp/usecases/report_sender.py:82)"),
            parse_frame(f"PreparedStatement.__do_execute ({SITE}/asyncpg/prepared_stmt.py:257)")]
    assert entry_point(task) == "task ReportSender._send (services/lsp/usecases/report_sender.py)"
    http = [*main, parse_frame(f"RequestResponseCycle.send ({SITE}/uvicorn/protocols/http/httptools_impl.py:524)")]
    assert entry_point(http) == "HTTP server (uvicorn)"
    driver = [*main, parse_frame(f"Connection.execute ({SITE}/asyncpg/connection.py:377)")]
    assert entry_point(driver) == "database driver (outside handlers)"


def test_py_spy_samples_a_busy_process(tmp_path: Path) -> None:
    spin = "import time\nt = time.time()\nwhile time.time() - t < 20: sum(range(999))"
    busy = subprocess.Popen([sys.executable, "-c", spin])
    try:
        async def run() -> dict[str, object]:
            profiler = Profiler({"busy one": busy.pid}, tmp_path, "t")
            await profiler.start()
            await asyncio.sleep(1.5)
            return await profiler.stop()

        summary = asyncio.run(run())["busy one"]
    finally:
        busy.kill()
    assert isinstance(summary, dict) and summary["samples"] > 50, summary
    assert Path(summary["tables"]).read_text().startswith("# busy one:")



def test_rss_growth_is_measured_from_the_first_round_after_warm_up() -> None:
    from scripts.bench.scaling import rss_growth

    rounds = [{"rss_mib": {"portal": 100.0, "siki": 90.0}}, {"rss_mib": {"portal": 120.0, "siki": 100.0}},
              {"rss_mib": {"portal": 126.0, "siki": 100.0}}]
    assert rss_growth(rounds, warmup_rounds=1) == {"portal": 0.05, "siki": 0.0}
    assert rss_growth(rounds, warmup_rounds=0) == {"portal": 0.26, "siki": 0.1111}


def test_a_soak_round_names_each_services_cost_and_its_results_so_far_are_kept(tmp_path: Path) -> None:
    import json

    from scripts.bench.scaling import round_line, save_progress

    cpu = {"portal": 283.1, "bnsp": 8.4}
    work = {"portal": {"requests_per_application": 40.2}, "bnsp": {"requests_per_application": 1.0}}
    assert round_line(cpu, work) == "portal 283.1 ms (40.2 requests), bnsp 8.4 ms (1.0 requests)"
    path = tmp_path / "results" / "bench-soak.partial.json"
    save_progress(path, {"rounds": [{"completed": 500}]})
    save_progress(path, {"rounds": [{"completed": 500}, {"completed": 499}]})
    assert json.loads(path.read_text())["rounds"][1] == {"completed": 499}

