#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS server for the test suite (Debian 12, run as root).
#
#   scripts/pg_test_server.sh start   # prints the state file; source it for BODNAARPLOT_TEST_PG_URL
#   scripts/pg_test_server.sh stop    # stops the server and removes its temp dir
#
# The cluster lives in a temp dir (data, unix socket, log, .pgpass), listens on 127.0.0.1 on a
# free port, and has a role + database with PostGIS. The URL carries no password: libpq reads
# it from the PGPASSFILE written next to the cluster, so tests exercise the credential path the
# app uses. State (URL, PGPASSFILE, dir) goes to $BODNAARPLOT_PG_STATE.
set -euo pipefail

STATE=${BODNAARPLOT_PG_STATE:-${TMPDIR:-/tmp}/bodnaarplot-pg-test.env}
PGBIN=/usr/lib/postgresql/15/bin
ROLE=bnp_test
DB=bnp_test

fail() { echo "pg_test_server: $*" >&2; exit 1; }

install_postgis() {
  if [ -f /usr/share/postgresql/15/extension/postgis.control ] && [ -x "$PGBIN/initdb" ]; then
    return 0
  fi
  [ "$(id -u)" = "0" ] || fail "PostGIS ontbreekt en installeren kan alleen als root"
  command -v apt-get >/dev/null 2>&1 || fail "PostGIS ontbreekt en apt-get is er niet"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >/dev/null 2>&1; then
    apt-get update -qq || fail "apt-get update mislukte"
    apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >/dev/null \
      || fail "apt-get install postgresql-15-postgis-3 mislukte"
  fi
}

free_port() {
  local py=python3
  [ -x "$(dirname "$0")/../.venv/bin/python" ] && py="$(dirname "$0")/../.venv/bin/python"
  "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_pg() { runuser -u postgres -- "$@"; }

start() {
  if [ -f "$STATE" ]; then
    # shellcheck disable=SC1090
    . "$STATE"
    if [ -n "${BODNAARPLOT_PG_DIR:-}" ] && as_pg "$PGBIN/pg_ctl" -D "$BODNAARPLOT_PG_DIR/data" status >/dev/null 2>&1; then
      echo "$STATE"
      return 0
    fi
    rm -f "$STATE"
  fi
  [ "$(id -u)" = "0" ] || fail "moet als root draaien (initdb als de OS-gebruiker postgres)"
  install_postgis
  local dir port password
  dir=$(mktemp -d "${TMPDIR:-/tmp}/bodnaarplot-pg.XXXXXX")
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  port=$(free_port)
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; fail "initdb mislukte"; }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 60
EOF
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null \
    || { cat "$dir/server.log" >&2; fail "pg_ctl start mislukte"; }
  as_pg "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $ROLE LOGIN PASSWORD '$password';" -c "CREATE DATABASE $DB OWNER $ROLE;" >/dev/null
  as_pg "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d "$DB" -q -v ON_ERROR_STOP=1 \
    -c "CREATE EXTENSION postgis;" >/dev/null
  # The password lives only in this pgpass file (mode 600, owned by the test runner).
  echo "127.0.0.1:$port:*:$ROLE:$password" >"$dir/pgpass"
  chown "$(id -u):$(id -g)" "$dir/pgpass"
  chmod 600 "$dir/pgpass"
  cat >"$STATE" <<EOF
export BODNAARPLOT_PG_DIR='$dir'
export BODNAARPLOT_TEST_PG_URL='postgresql+psycopg://$ROLE@127.0.0.1:$port/$DB'
export PGPASSFILE='$dir/pgpass'
EOF
  echo "$STATE"
}

stop() {
  [ -f "$STATE" ] || return 0
  # shellcheck disable=SC1090
  . "$STATE"
  if [ -n "${BODNAARPLOT_PG_DIR:-}" ] && [ -d "$BODNAARPLOT_PG_DIR" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$BODNAARPLOT_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$BODNAARPLOT_PG_DIR"
  fi
  rm -f "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "gebruik: $0 start|stop" >&2; exit 2 ;;
esac
