"""``scripts/ensure_infra.sh``, which ``make test`` runs first: silent when all is up, and (in
dry runs, against ports where nothing listens, so that the shared servers are never touched)
the installs and starts it would do, or the reason it cannot act."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "ensure_infra.sh"
IS_ROOT = os.geteuid() == 0


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


def _run(*args: str, env: dict[str, str] | None = None, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SKK_INFRA_", "SKK_TEST_BROWSER"))}
    full_env.update(env or {})
    if not as_nobody:
        return subprocess.run(["bash", str(SCRIPT), *args], env=full_env, capture_output=True, text=True,
                              timeout=60, check=False)
    # A copy where an unprivileged user can read it (the checkout may sit under /root), with a
    # stand-in .venv/bin/python so that the Python 3.11 check passes as it does in the checkout.
    copy = Path(tempfile.mkdtemp(prefix="skk-ensure-infra-"))
    try:
        (copy / "scripts").mkdir()
        shutil.copyfile(SCRIPT, copy / "scripts" / SCRIPT.name)
        (copy / ".venv" / "bin").mkdir(parents=True)
        (copy / ".venv" / "bin" / "python").symlink_to(shutil.which("true") or "/bin/true")
        for path in (copy, *copy.rglob("*")):
            if not path.is_symlink():
                path.chmod(0o755)
        cmd = ["bash", str(copy / "scripts" / SCRIPT.name), *args]
        if IS_ROOT:
            setpriv = shutil.which("setpriv")
            assert setpriv, "setpriv (util-linux) runs the script as a user without root"
            cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        return subprocess.run(cmd, env=full_env, cwd="/", capture_output=True, text=True, timeout=60, check=False)
    finally:
        shutil.rmtree(copy)


def _down() -> dict[str, str]:
    return {"SKK_INFRA_POSTGRES_PORT": str(_closed_port()), "SKK_INFRA_RABBITMQ_PORT": str(_closed_port())}


def test_silent_when_everything_is_up(amqp_url: str, postgres_admin_url: str) -> None:
    done = _run()
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_silent_for_a_user_without_root_too(amqp_url: str, postgres_admin_url: str) -> None:
    done = _run(as_nobody=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_dry_run_starts_servers_that_are_down() -> None:
    done = _run("--dry-run", env=_down())
    if not IS_ROOT:
        assert done.returncode == 1 and "needs root" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert "would run: pg_ctlcluster --skip-systemctl-redirect" in done.stderr
    assert "would run: rabbitmq-server -detached" in done.stderr
    assert "chromium" not in done.stderr  # the browser only when asked for
    assert done.stdout == ""


def test_without_root_it_says_why_and_fails() -> None:
    done = _run(env=_down(), as_nobody=True)
    assert done.returncode == 1
    assert "PostgreSQL is not running" in done.stderr and "needs root" in done.stderr
    assert "sudo pg_ctlcluster" in done.stderr


def test_installs_a_missing_broker(tmp_path: Path) -> None:
    # A PATH holding every tool the script uses except RabbitMQ's.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "id", "find", "sort", "tail", "seq", "sleep", "ls", "sed", "env", "psql"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "SKK_INFRA_RABBITMQ_PORT": str(_closed_port())}
    done = _run("--dry-run", env=env)
    if not IS_ROOT:
        assert done.returncode == 1 and "apt-get install -y rabbitmq-server" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert "apt-get install -y -qq rabbitmq-server" in done.stderr
    assert "would run: rabbitmq-server -detached" in done.stderr


def test_browser_only_when_asked() -> None:
    have = shutil.which("chromium")
    for args, env in ((["--with-browser"], {}), ([], {"SKK_TEST_BROWSER": "1"})):
        done = _run("--dry-run", *args, env=env)
        if have:
            assert done.returncode == 0 and "chromium" not in done.stderr
        elif IS_ROOT:
            assert done.returncode == 0, done.stderr
            assert "would run: env DEBIAN_FRONTEND=noninteractive apt-get install" in done.stderr
            assert "chromium" in done.stderr
        else:
            assert done.returncode == 1 and "sudo apt-get install -y" in done.stderr


def test_installs_a_missing_browser(tmp_path: Path, amqp_url: str, postgres_admin_url: str) -> None:
    # A PATH holding every tool the script uses except Chromium; the servers are up.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "id", "find", "sort", "tail", "seq", "sleep", "ls", "sed", "env", "psql"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    done = _run("--dry-run", "--with-browser", env={"PATH": str(bin_dir)})
    if not IS_ROOT:
        assert done.returncode == 1 and "apt-get install -y chromium" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert "apt-get install -y -qq chromium" in done.stderr
    assert "chromium-driver" not in done.stderr  # Playwright drives chromium itself


def test_make_test_asks_for_the_browser() -> None:
    # The browser tests fail without Chromium: make test has the script install it.
    makefile = (ROOT / "Makefile").read_text()
    assert "INFRA_ARGS ?= --with-browser" in makefile
    assert "bash scripts/ensure_infra.sh $(INFRA_ARGS)" in makefile


def test_rejects_an_unknown_argument() -> None:
    done = _run("--frobnicate")
    assert done.returncode == 2 and "unknown argument" in done.stderr
