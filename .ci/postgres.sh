# Sourced by .ci/run (and usable by hand: `source .ci/postgres.sh`):
# starts a throwaway PostgreSQL cluster for the tests and exports its
# connection string as RELWATCH_TEST_POSTGRES. The cluster runs as an
# unprivileged user (nobody when we are root) in a temporary directory,
# listens on a free loopback port only, and is stopped and removed when the
# sourcing shell exits. Without PostgreSQL (and no way to install it) the
# variable stays unset and the PostgreSQL tests skip, saying so.

relwatch_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

relwatch_pg_start() {
  local bin dir port user run pw
  bin=$(relwatch_pg_bin)
  if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "postgres: installing Debian's postgresql" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || true
    bin=$(relwatch_pg_bin)
  fi
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres: no PostgreSQL server found; the PostgreSQL tests will skip" >&2
    return 0
  fi

  dir=$(mktemp -d /tmp/relwatch-pg.XXXXXX)
  chmod 755 "$dir"
  run=()
  user=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    # initdb and postgres refuse to run as root.
    user=nobody
    chown nobody "$dir"
    run=(runuser -u nobody --)
  fi
  # A password, so that the tests can also check what a wrong one gives.
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" >"$dir/pwfile"
  chown "$user" "$dir/pwfile" 2>/dev/null || true
  if ! "${run[@]}" "$bin/initdb" -D "$dir/data" -U relwatch --pwfile="$dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    echo "postgres: initdb failed; the PostgreSQL tests will skip:" >&2
    cat "$dir/initdb.log" >&2
    return 0
  fi
  rm -f "$dir/pwfile"

  # A free port: try from a random start until the server comes up on one.
  port=$((20000 + RANDOM % 20000))
  local tries=0
  while :; do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
      "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 20 ]; then
      echo "postgres: the server did not start; the PostgreSQL tests will skip:" >&2
      tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
      return 0
    fi
    port=$((port + 1))
  done

  RELWATCH_PG_DIR=$dir
  RELWATCH_PG_RUN="${run[*]}"
  RELWATCH_PG_CTL="$bin/pg_ctl"
  export RELWATCH_TEST_POSTGRES="postgres://relwatch:$pw@127.0.0.1:$port/postgres?sslmode=disable"
  trap relwatch_pg_stop EXIT
  echo "postgres: test server $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)" >&2
}

relwatch_pg_stop() {
  if [ -n "${RELWATCH_PG_DIR:-}" ]; then
    # shellcheck disable=SC2086 # RELWATCH_PG_RUN is a command prefix
    $RELWATCH_PG_RUN "$RELWATCH_PG_CTL" -D "$RELWATCH_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$RELWATCH_PG_DIR"
    RELWATCH_PG_DIR=
  fi
}

relwatch_pg_start
