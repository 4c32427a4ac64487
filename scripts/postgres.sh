# Sourced by scripts/test: starts a throwaway PostgreSQL server for the suite and stops it on exit.
# initdb into a temporary directory (as the postgres user when run as root), trust authentication,
# a free loopback port, no fsync; exports ARCADIA_TEST_POSTGRES_URL. Installs Debian's postgresql
# package when no server binaries are found.

start_throwaway_postgres() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
        echo "PostgreSQL server not found; installing Debian's postgresql package"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    fi
    PG_TEST_DIR="$(mktemp -d /tmp/arcadia-postgres.XXXXXX)"
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    PG_AS=()
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres "$PG_TEST_DIR"
        PG_AS=(runuser -u postgres --)
    fi
    PG_CTL="$bin/pg_ctl"
    "${PG_AS[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U arcadia --auth=trust -E UTF8 >"$PG_TEST_DIR/initdb.log"
    "${PG_AS[@]}" "$PG_CTL" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w \
        -o "-p $port -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    # The throwaway server has no TLS: without sslmode=disable, every client would first build a TLS
    # context from the system's CA bundle (the default, prefer) only to be told no. The suite makes
    # hundreds of clients, and BoringSSL once crashed the test process loading that bundle.
    export ARCADIA_TEST_POSTGRES_URL="postgres://arcadia@127.0.0.1:$port/postgres?sslmode=disable"
    trap stop_throwaway_postgres EXIT
    echo "throwaway PostgreSQL on 127.0.0.1:$port ($PG_TEST_DIR)"
}

stop_throwaway_postgres() {
    "${PG_AS[@]}" "$PG_CTL" -D "$PG_TEST_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
}
