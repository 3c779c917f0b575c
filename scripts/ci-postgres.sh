#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the store tests' second, real-server run in CI.
#
#   scripts/ci-postgres.sh start   installs postgresql-15 and postgresql-15-pgaudit if missing,
#                                  creates a cluster in a new temp dir owned by `postgres`,
#                                  listening on 127.0.0.1 only, on a free port, with pgaudit
#                                  preloaded; creates the `eds_ci` database. Prints two lines
#                                  on stdout: EDS_TEST_PG_URL=<url> and EDS_TEST_PG_DIR=<dir>.
#   scripts/ci-postgres.sh stop <dir>
#                                  stops that cluster (fast shutdown) and deletes its dir.
#
# Needs root on Debian 12. The superuser `postgres` has a random password for this run only;
# it is printed in the URL, and the cluster dies with the CI job. Nothing listens beyond loopback.
set -euo pipefail

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/${PG_VERSION}/bin"
PACKAGES=("postgresql-${PG_VERSION}" "postgresql-${PG_VERSION}-pgaudit")

log() { echo "ci-postgres: $*" >&2; }

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_packages() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    is_installed "$package" || missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "packages already installed"
    return
  fi
  log "installing ${missing[*]}"
  # Keep the package scripts from starting Debian's default `main` cluster as a service: this
  # run starts only its own cluster, and leaves nothing running behind it.
  local blocked_rc=false
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    blocked_rc=true
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >&2 || status=$?
  if [ "$blocked_rc" = true ]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$status"
}

free_port() {
  node -e "const s = require('node:net').createServer();
    s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

start_cluster() {
  [ "$(id -u)" -eq 0 ] || { log "must run as root"; exit 1; }
  install_packages
  local dir port password
  dir="$(mktemp -d /tmp/eds-ci-pg.XXXXXXXX)"
  # A start that fails halfway leaves no server running and no directory behind.
  trap "stop_cluster '$dir' >/dev/null 2>&1 || true" EXIT
  chmod 700 "$dir"
  chown postgres:postgres "$dir"
  password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '%s\n' "$password" >"$dir/pwfile"
  chown postgres:postgres "$dir/pwfile"
  chmod 600 "$dir/pwfile"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$dir/pwfile"
  port="$(free_port)"
  cat >>"$dir/data/postgresql.conf" <<EOF

# eds CI settings: a throwaway cluster, so durability is traded for speed
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${dir}'
max_connections = 200
shared_preload_libraries = 'pgaudit'
pgaudit.log = 'write, ddl, role'
pgaudit.log_parameter = off
pgaudit.log_relation = on
logging_collector = on
log_directory = '${dir}/log'
log_filename = 'postgresql.log'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/startup.log" -w -t 30 \
    start >/dev/null
  runuser -u postgres -- "$PG_BIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt \
    -v ON_ERROR_STOP=1 -c 'CREATE DATABASE eds_ci' >/dev/null
  trap - EXIT
  log "PostgreSQL ${PG_VERSION} up on 127.0.0.1:${port} (cluster ${dir})"
  echo "EDS_TEST_PG_URL=postgres://postgres:${password}@127.0.0.1:${port}/eds_ci"
  echo "EDS_TEST_PG_DIR=${dir}"
}

stop_cluster() {
  local dir="${1:-}"
  case "$dir" in
    /tmp/eds-ci-pg.*) ;;
    *) log "stop needs the cluster dir printed by start"; exit 1 ;;
  esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    log "stopped cluster ${dir}"
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start_cluster ;;
  stop) stop_cluster "${2:-}" ;;
  *)
    echo "usage: $0 start | stop <dir>" >&2
    exit 2
    ;;
esac
