#!/usr/bin/env bash
# Make sure what `make test` needs is on this machine and running: Python 3.11, PostgreSQL on
# 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672 (guest/guest), installed from Debian's
# packages and started where missing (that part needs root). Idempotent, and silent when all
# is already up.
#
#   scripts/ensure_infra.sh [--python-only] [--with-browser] [--dry-run]
#
#   --python-only   only python3.11 (make needs it to build .venv before anything else)
#   --with-browser  also Chromium (Debian's chromium: the browser tests drive it with
#                   Playwright, no WebDriver); SKK_TEST_BROWSER=1 asks the same
#   --dry-run       decide as usual, but only say what would be installed, started or changed
#
# Stdout carries shell assignments only, for `eval`: on a fresh Debian cluster (which asks
# for a password over TCP) it gives the postgres user one and prints
#   export SKK_TEST_POSTGRES_URL=postgresql://postgres:postgres@127.0.0.1:5432/postgres
# Messages go to stderr. Exits non-zero, saying why, when it cannot act (not root and something
# is missing or stopped, a server that does not come up, a URL given in SKK_TEST_POSTGRES_URL
# that does not answer).
#
# SKK_INFRA_POSTGRES_PORT / SKK_INFRA_RABBITMQ_PORT change the ports probed (for the tests of
# this script).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT="${SKK_INFRA_POSTGRES_PORT:-5432}"
AMQP_PORT="${SKK_INFRA_RABBITMQ_PORT:-5672}"
PG_TRUST_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
PG_PASSWORD_URL="postgresql://postgres:postgres@127.0.0.1:${PG_PORT}/postgres"

python_only=""
browser="${SKK_TEST_BROWSER:-}"
[ "$browser" = "0" ] && browser=""
dry=""
for arg in "$@"; do
  case "$arg" in
    --python-only) python_only=1 ;;
    --with-browser) browser=1 ;;
    --dry-run) dry=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) echo "ensure_infra: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "[infra] $*" >&2; }
fail() { echo "[infra] ERROR: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {  # port seconds
  local _
  for _ in $(seq 1 "$2"); do port_open "$1" && return 0; sleep 1; done
  return 1
}
# Runs an action that changes the machine, or says it would.
act() {
  if [ -n "$dry" ]; then say "would run: $*"; return 0; fi
  "$@"
}
needs_root() {  # what, command line to show
  is_root || fail "$1, which needs root. Run this script as root, or by hand: sudo $2"
}

apt_updated=""
apt_install() {
  needs_root "installing $* from Debian's packages" "apt-get install -y $*"
  say "installing $*"
  if [ -z "$apt_updated" ]; then act apt-get update -qq >&2; apt_updated=1; fi
  act env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# --- Python 3.11 (for .venv) ----------------------------------------------------------------
# Needed to build .venv: checked when asked, or when there is no working .venv yet.
if [ -z "$python_only" ] && [ -x .venv/bin/python ] && .venv/bin/python -c '' >/dev/null 2>&1; then
  :
elif ! command -v python3.11 >/dev/null 2>&1; then
  apt_install python3.11 python3.11-venv
elif ! python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt_install python3.11-venv
fi
[ -n "$python_only" ] && exit 0

# --- PostgreSQL -----------------------------------------------------------------------------
pg_login() {  # url: can we log in and run a query?
  local url="${1/postgresql+asyncpg:/postgresql:}"
  if command -v psql >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=5 psql -w "$url" -Atc 'select 1' >/dev/null 2>&1
  elif [ -x .venv/bin/python ]; then
    .venv/bin/python - "$url" >/dev/null 2>&1 <<'PY'
import asyncio, sys
import asyncpg
async def main() -> None:
    conn = await asyncpg.connect(sys.argv[1], timeout=5)
    await conn.close()
asyncio.run(main())
PY
  else
    return 1
  fi
}
pg_version() { find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n1; }

if [ -n "${SKK_TEST_POSTGRES_URL:-}" ]; then
  # A server of the caller's choosing: only check it.
  pg_login "$SKK_TEST_POSTGRES_URL" || fail "PostgreSQL does not answer at SKK_TEST_POSTGRES_URL ($SKK_TEST_POSTGRES_URL)"
else
  if ! port_open "$PG_PORT"; then
    if [ -z "$(pg_version)" ] || [ ! -d "/etc/postgresql/$(pg_version)/main" ]; then
      if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        apt_install postgresql  # Debian's package creates and starts the main cluster
      else
        v="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)"
        needs_root "PostgreSQL $v has no cluster" "pg_createcluster $v main"
        say "creating the PostgreSQL $v main cluster"
        act pg_createcluster "$v" main >&2
      fi
    fi
    if [ -n "$dry" ] || ! port_open "$PG_PORT"; then
      v="$(pg_version)"; v="${v:-<version>}"
      needs_root "PostgreSQL is not running on 127.0.0.1:$PG_PORT; starting it" "pg_ctlcluster $v main start"
      say "starting PostgreSQL $v"
      act pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 || true
      if [ -z "$dry" ]; then
        wait_port "$PG_PORT" 60 || fail "PostgreSQL did not come up on 127.0.0.1:$PG_PORT (see /var/log/postgresql/)"
      fi
    fi
  fi
  if port_open "$PG_PORT"; then
    if pg_login "$PG_TRUST_URL"; then
      :  # the tests' default URL works
    elif pg_login "$PG_PASSWORD_URL"; then
      printf 'export SKK_TEST_POSTGRES_URL=%q\n' "$PG_PASSWORD_URL"
    else
      # A fresh Debian cluster asks for a password over TCP: give the test user one.
      needs_root "PostgreSQL refuses postgres@127.0.0.1 without a password; setting one" \
        "su postgres -c \"psql -qc \\\"ALTER USER postgres PASSWORD 'postgres'\\\"\""
      say "setting a password for the postgres user (fresh cluster)"
      act su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
      if [ -z "$dry" ]; then
        pg_login "$PG_PASSWORD_URL" || fail "cannot log in to PostgreSQL at $PG_PASSWORD_URL"
      fi
      printf 'export SKK_TEST_POSTGRES_URL=%q\n' "$PG_PASSWORD_URL"
    fi
  else  # only in a dry run: nothing was started
    say "would then log in as postgres@127.0.0.1 (and on a fresh cluster give postgres a password)"
  fi
fi

# --- RabbitMQ -------------------------------------------------------------------------------
if ! port_open "$AMQP_PORT"; then
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    apt_install rabbitmq-server
  fi
  # Debian's package starts the broker itself (where there is an init system): check again.
  if [ -n "$dry" ] || ! port_open "$AMQP_PORT"; then
    needs_root "RabbitMQ is not running on 127.0.0.1:$AMQP_PORT; starting it" "rabbitmq-server -detached"
    say "starting RabbitMQ"
    act rabbitmq-server -detached >&2 || true
  fi
  if [ -z "$dry" ]; then
    wait_port "$AMQP_PORT" 120 || fail "RabbitMQ did not come up on 127.0.0.1:$AMQP_PORT (see /var/log/rabbitmq/)"
    if command -v rabbitmqctl >/dev/null 2>&1; then
      timeout 120 rabbitmqctl await_startup >/dev/null 2>&1 || true
    fi
  fi
fi

# --- Chromium (browser tests; asked for only, as make test does) ---------------------------
if [ -n "$browser" ] && ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
exit 0
