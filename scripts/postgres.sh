#!/usr/bin/env bash
# A local, unprivileged PostgreSQL server for storylens (tests, trying out --db postgresql://...).
#
#   scripts/postgres.sh start   start it (or reuse the running one); prints the connection URL on stdout
#   scripts/postgres.sh url     print the URL of the running server (exit 1 if none)
#   scripts/postgres.sh stop    stop it
#
# The server listens on 127.0.0.1 only, on a free port, with its data in .pg/ (STORYLENS_PG_DIR to
# choose another folder), a random password and the database "storylens". It uses the installed
# PostgreSQL binaries (PG_BINDIR to name them); when there are none it installs Debian's `postgresql`
# package if it runs as root with apt-get, else it says why in one line and exits 1.
# As root the server runs as the unprivileged user `nobody` (initdb and postgres refuse root).
set -u

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BASE="${STORYLENS_PG_DIR:-$REPO/.pg}"
PGUSER_NAME=storylens
PGDB_NAME=storylens
RUN_AS=""

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

find_bindir() {
  local d
  if [ -n "${PG_BINDIR:-}" ]; then
    [ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/pg_ctl" ] && { echo "$PG_BINDIR"; return 0; }
    return 1
  fi
  # Debian keeps the server binaries in /usr/lib/postgresql/<version>/bin; take the newest.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir 2>/dev/null)"
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    d="$(dirname "$(readlink -f "$(command -v initdb)")")"
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  fi
  return 1
}

install_postgres() {
  if [ "$(id -u)" != "0" ]; then
    die "no PostgreSQL server binaries (initdb, pg_ctl) found and not root, so cannot install them (apt-get install postgresql)"
  fi
  command -v apt-get >/dev/null 2>&1 || die "no PostgreSQL server binaries (initdb, pg_ctl) found and no apt-get to install them"
  say "installing Debian's postgresql package (apt-get; log in /tmp/storylens-postgres-install.log)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql; } \
      >/tmp/storylens-postgres-install.log 2>&1; then
    die "could not install postgresql with apt-get (see /tmp/storylens-postgres-install.log)"
  fi
}

# Run a command as the server's user: ourselves, or `nobody` when we are root.
as_server_user() {
  if [ -z "$RUN_AS" ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$RUN_AS" -- "$@"
  else
    su -s /bin/sh "$RUN_AS" -c "$(printf '%q ' "$@")"
  fi
}

choose_user() {
  if [ "$(id -u)" = "0" ]; then
    id nobody >/dev/null 2>&1 || die "running as root and there is no unprivileged user 'nobody' to run the server as"
    RUN_AS=nobody
  fi
}

# As root, the data folder must be reachable by `nobody`; a checkout under a private folder is not,
# so the data then lives in a folder of its own under /tmp, named after the checkout.
data_dir() {
  if [ -L "$BASE/data" ] || [ -d "$BASE/data" ]; then
    readlink -f "$BASE/data"
    return
  fi
  mkdir -p "$BASE"
  if [ -n "$RUN_AS" ]; then
    chmod 755 "$BASE"
    if ! runuser -u "$RUN_AS" -- test -x "$BASE" 2>/dev/null; then
      local tmp
      tmp="/tmp/storylens-pg-$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)"
      mkdir -p "$tmp"
      chmod 755 "$tmp"
      ln -sfn "$tmp/data" "$BASE/data"
      echo "$tmp/data"
      return
    fi
  fi
  echo "$BASE/data"
}

free_port() {
  local py
  for py in "$REPO/.venv/bin/python" python3 python; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return 0
    fi
  done
  # no Python: try ports from 54320 up until one is not answering
  local p
  for p in $(seq 54320 54420); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

url() { echo "postgresql://$PGUSER_NAME:$(cat "$BASE/password")@127.0.0.1:$(cat "$BASE/port")/$PGDB_NAME"; }

running() {
  local data="$1"
  [ -f "$data/postmaster.pid" ] || return 1
  as_server_user "$BINDIR/pg_ctl" status -D "$data" >/dev/null 2>&1
}

cmd_start() {
  if [ -n "${PG_BINDIR:-}" ] && ! find_bindir >/dev/null; then
    die "PG_BINDIR=$PG_BINDIR has no initdb and pg_ctl"
  fi
  BINDIR="$(find_bindir)" || { install_postgres; BINDIR="$(find_bindir)" || die "postgresql installed but initdb/pg_ctl still not found"; }
  choose_user
  local data
  data="$(data_dir)"
  if running "$data" && [ -f "$BASE/port" ] && [ -f "$BASE/password" ]; then
    say "PostgreSQL already running on 127.0.0.1:$(cat "$BASE/port") (data in $data); reusing it"
    url
    return 0
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ -n "$RUN_AS" ] && chown "$RUN_AS" "$data"
    chmod 700 "$data"
    local pw
    pw="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    local pwfile
    pwfile="$(dirname "$data")/.pwfile"
    (umask 077; printf '%s\n' "$pw" >"$pwfile")
    [ -n "$RUN_AS" ] && chown "$RUN_AS" "$pwfile"
    if ! as_server_user "$BINDIR/initdb" -D "$data" -U "$PGUSER_NAME" --pwfile="$pwfile" --auth=scram-sha-256 \
        -E UTF8 --locale=C >"$BASE/initdb.log" 2>&1; then
      rm -f "$pwfile"
      die "initdb failed (see $BASE/initdb.log)"
    fi
    rm -f "$pwfile"
    printf '%s\n' "$pw" >"$BASE/password"
    chmod 600 "$BASE/password"
  fi
  [ -f "$BASE/password" ] || die "$data holds a server whose password is not in $BASE/password; remove $BASE to start afresh"
  local port=""
  [ -f "$BASE/port" ] && port="$(cat "$BASE/port")"
  if [ -z "$port" ] || port_in_use "$port"; then
    port="$(free_port)" || die "no free TCP port found on 127.0.0.1"
  fi
  echo "$port" >"$BASE/port"
  local log="$data/server.log"
  if ! as_server_user "$BINDIR/pg_ctl" start -D "$data" -w -t 60 -l "$log" \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=''" \
      </dev/null >"$BASE/pg_ctl.log" 2>&1; then
    die "the server did not start (see $log and $BASE/pg_ctl.log)"
  fi
  if ! PGPASSWORD="$(cat "$BASE/password")" "$BINDIR/psql" -X -q -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" -d postgres \
      -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDB_NAME'" 2>/dev/null | grep -q 1; then
    PGPASSWORD="$(cat "$BASE/password")" "$BINDIR/createdb" -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" "$PGDB_NAME" \
      >>"$BASE/pg_ctl.log" 2>&1 || die "the server started but creating the database failed (see $BASE/pg_ctl.log)"
  fi
  say "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (data in $data)"
  url
}

cmd_url() {
  BINDIR="$(find_bindir)" || die "no PostgreSQL server binaries found"
  choose_user
  local data
  data="$(data_dir)"
  running "$data" && [ -f "$BASE/port" ] && [ -f "$BASE/password" ] || die "no server running (scripts/postgres.sh start)"
  url
}

cmd_stop() {
  BINDIR="$(find_bindir)" || die "no PostgreSQL server binaries found"
  choose_user
  local data
  data="$(data_dir)"
  if ! running "$data"; then
    say "no server running"
    return 0
  fi
  as_server_user "$BINDIR/pg_ctl" stop -D "$data" -m fast -w >/dev/null 2>&1 || die "could not stop the server in $data"
  say "stopped"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  *) echo "usage: scripts/postgres.sh start|stop|url" >&2; exit 2 ;;
esac
