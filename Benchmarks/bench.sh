#!/usr/bin/env bash
# make bench: Interchange against baselines measured in the same run, on loopback, medians of alternating
# rounds, printed as ratios. See Benchmarks/README.md for what each figure means.
#
#   BENCH_SECONDS   seconds per load run (default 10)
#   BENCH_ROUNDS    rounds; each figure is the median over them (default 3)
#   BENCH_CONNS     wrk connections (default 64)
#   BENCH_DEST_CONCURRENCY  the gateway's requests in flight to the sink (default 64)
#   BENCH_PG        1: also durable ingest on PostgreSQL with 1 and 2 gateway nodes (default 1 when a PostgreSQL
#                   server is installed under /usr/lib/postgresql, else 0)
#   BENCH_ONLY      figures to run, e.g. "5" or "1,5" (default: all). Figures 2, 3 and 4 run together.
#   BENCH_VISITS_DELIVERY  figure 5's gateway: "run" delivers to the sink while ingesting (default), "paused"
#                   holds delivery off as in figure 2's paused variant
#   BENCH_LOG_MESSAGES  figure 6: visits in the log-search store (default 10000000); the filled file is kept in
#                   .build/bench-log/ for later runs (about 3.4 KB per visit on disk; `make clean` removes it)
#   BENCH_LOG_QUERIES   figure 6: searches of each kind per round through the store API (default 2000)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNS:-64}
DEST_CONCURRENCY=${BENCH_DEST_CONCURRENCY:-64}
BIN="$ROOT/.build/release"
OUT="$ROOT/Benchmarks/out"
LUA="$ROOT/Benchmarks/notes.lua"
if [ -z "${BENCH_PG:-}" ]; then
    BENCH_PG=0
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && BENCH_PG=1
fi
ONLY=",${BENCH_ONLY:-1,2,3,4,5,6},"
LOG_MESSAGES=${BENCH_LOG_MESSAGES:-10000000}
LOG_QUERIES=${BENCH_LOG_QUERIES:-2000}
LOG_SKIPPED=0
VISITS_DELIVERY=${BENCH_VISITS_DELIVERY:-run}
# want N: whether figure N runs.
want() { [[ $ONLY == *",$1,"* ]]; }
# Figures 2, 3 and 4 share their runs (4 is printed beside 2).
INGEST=0
if want 2 || want 3 || want 4; then INGEST=1; fi
want 4 || BENCH_PG=0
FIXTURES="$ROOT/Fixtures/hospital"

for tool in wrk nginx curl openssl; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found (make deps-bench installs it)" >&2; exit 1; }
done
NGINX=$(command -v nginx)

echo "== building release binaries"
(cd "$ROOT" && swift build -c release --product interchange >/dev/null \
    && swift build -c release --product BenchSink >/dev/null \
    && swift build -c release --product BenchSQLite >/dev/null \
    && swift build -c release --product BenchVisits >/dev/null \
    && swift build -c release --product BenchLogSearch >/dev/null)

WORK=$(mktemp -d /tmp/interchange-bench.XXXXXX)
mkdir -p "$OUT"
RESULTS="$WORK/results.txt"   # lines: figure round value
: >"$RESULTS"
PIDS=()

PG_DIR=""
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "$PG_DIR" ] && "$ROOT/Tests/postgres.sh" stop "$PG_DIR"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: random in 20000–32767 (below Linux's ephemeral range, so no outgoing connection of the
# run holds it), nothing listening, not handed out before in this run.
USED_PORTS=" "
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 12768))
        [[ $USED_PORTS == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            USED_PORTS="$USED_PORTS$port "
            echo "$port"
            return
        fi
    done
}

# wait_http URL [curl options]: up to 20 s for any HTTP answer.
wait_http() {
    local url=$1; shift
    for _ in $(seq 200); do
        curl -sk -o /dev/null "$@" "$url" && return 0
        sleep 0.1
    done
    echo "bench: $url did not come up" >&2
    return 1
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

record() { echo "$1 $2 $3" >>"$RESULTS"; }

# field NAME LINE: the value of NAME=VALUE in a RESULT line.
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }

# --- certificates (one self-signed EC P-256 server certificate for both sides) ---
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/server.key" -out "$WORK/server.crt" 2>/dev/null

# --- the sink: one process for the whole run, reset before each measurement ---
SINK_PORT=$(free_port)
"$BIN/BenchSink" --port "$SINK_PORT" --loops 2 >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SINK_PORT/_control/received"
sink_reset() { curl -s -X POST "http://127.0.0.1:$SINK_PORT/_control/reset" >/dev/null; }
sink_count() { curl -s "http://127.0.0.1:$SINK_PORT/_control/received" | sed -n 's/.*"distinct":\([0-9]*\).*/\1/p'; }

# --- nginx: plain, TLS and proxy_pass servers in one instance ---
NGX_PLAIN=$(free_port); NGX_TLS=$(free_port); NGX_PROXY=$(free_port); NGX_VISITS=$(free_port)
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
NGX_USER=""
[ "$(id -u)" = 0 ] && NGX_USER="user root;"
cat >"$WORK/nginx/nginx.conf" <<EOF
$NGX_USER
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    upstream sink { server 127.0.0.1:$SINK_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$NGX_PLAIN;
        location / { default_type application/json; return 200 '{"status":"ok"}'; }
    }
    server {
        listen 127.0.0.1:$NGX_TLS ssl;
        ssl_certificate $WORK/server.crt;
        ssl_certificate_key $WORK/server.key;
        location / { default_type application/json; return 200 '{"status":"ok"}'; }
    }
    server {
        # Figure 5's baseline: takes visit bodies (JSON or 60 KB envelopes) and answers 200.
        listen 127.0.0.1:$NGX_VISITS;
        client_max_body_size 32m;
        client_body_buffer_size 1m;
        location / { default_type application/json; return 200 '{}'; }
    }
    server {
        listen 127.0.0.1:$NGX_PROXY;
        location / {
            proxy_pass http://sink;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/logs/stdout.log" 2>&1 &
NGINX_PID=$!
PIDS+=($NGINX_PID)
wait_http "http://127.0.0.1:$NGX_PLAIN/healthz"

# --- gateway configs ---
TOKEN="bench-token-$(openssl rand -hex 16)"
# gateway_config DIR PLAIN_PORT [TLS_PORT] [paused] [STORE] [NODE]: writes DIR/gateway.json (default store: a
# fresh SQLite file in DIR/data; STORE may be a postgres:// URL, shared by nodes with distinct NODE names).
# "paused" points the destination at a closed port with a breaker that opens on the first failure and stays
# open, so the store does (almost) no delivery work while ingest is measured.
gateway_config() {
    local dir=$1 plain=$2 tls=${3:-} paused=${4:-} store=${5:-"sqlite:$1/data/interchange.db"} node=${6:-bench}
    local url="http://127.0.0.1:$SINK_PORT/notes" breaker=""
    if [ "$paused" = paused ]; then
        url="http://127.0.0.1:$(free_port)/notes"
        breaker=', "breaker": {"failureThreshold": 1, "openMs": 3600000}'
    fi
    mkdir -p "$dir"
    printf '%s\n' "$TOKEN" >"$dir/bench.token"
    local listeners="{\"name\": \"plain\", \"host\": \"127.0.0.1\", \"port\": $plain, \"role\": \"agency\", \"plain\": true}"
    if [ -n "$tls" ]; then
        listeners="$listeners, {\"name\": \"tls\", \"host\": \"127.0.0.1\", \"port\": $tls, \"role\": \"agency\",
          \"tls\": {\"certificate\": \"$WORK/server.crt\", \"key\": \"$WORK/server.key\", \"clientCertificates\": \"none\"}}"
    fi
    cat >"$dir/gateway.json" <<EOF
{
  "node": "$node",
  "listeners": [$listeners],
  "store": "$store",
  "agencies": [
    {"id": "bench", "kind": "hospital", "name": "Benchmark sender", "auth": {"tokenFile": "$dir/bench.token"},
     "types": ["test.note"]}
  ],
  "destinations": [
    {"id": "sink", "url": "$url", "format": "canonical.json",
     "timeoutMs": 10000, "concurrency": $DEST_CONCURRENCY$breaker}
  ],
  "routes": [{"type": "test.note", "destinations": ["sink"]}]
}
EOF
}

# start_gateway DIR PORT: runs `interchange serve` and waits for /healthz; sets GATEWAY_PID.
start_gateway() {
    (cd "$1" && exec "$BIN/interchange" serve --config "$1/gateway.json") >"$1/serve.log" 2>&1 &
    GATEWAY_PID=$!
    PIDS+=($GATEWAY_PID)
    wait_http "http://127.0.0.1:$2/healthz" || { cat "$1/serve.log" >&2; exit 1; }
}

# wrk_rps LABEL ROUND URL: plain GET load; records requests/s.
wrk_rps() {
    local out
    out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$3")
    echo "$out" >"$WORK/$1-$2.wrk"
    local rps
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    local errors
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
    record "$1" "$2" "$rps"
    printf '  %-16s %10.0f req/s%s\n' "$1" "$rps" "${errors:+  (non-2xx: $errors)}"
}

# ingest_paused ROUND: durable ingest with delivery held off (diagnostic: HTTP + store, no delivery work).
ingest_paused() {
    local round=$1 dir="$WORK/paused-$1" port
    port=$(free_port)
    gateway_config "$dir" "$port" "" paused
    start_gateway "$dir" "$port"
    local out line
    out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$LUA" "http://127.0.0.1:$port/v1/test/notes" \
        -- "gp$round-$RANDOM" "$TOKEN" 202)
    stop_pid "$GATEWAY_PID"
    echo "$out" >"$WORK/paused-$round.wrk"
    line=$(grep '^RESULT' <<<"$out")
    local rate
    rate=$(awk -v n="$(field acked "$line")" -v s="$(field seconds "$line")" 'BEGIN {printf "%.1f", n / s}')
    record paused-rate "$round" "$rate"
    record paused-p99 "$round" "$(field p99_ms "$line")"
    printf '  %-16s %10s msg/s acked, delivery paused (p50 %s ms, p99 %s ms; 4xx %s, 5xx %s)\n' \
        ingest-paused "$rate" "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field s4xx "$line")" \
        "$(field s5xx "$line")"
    rm -rf "$dir"
}

# ingest_e2e ROUND: durable ingest with delivery to the sink running (figure 2), then the time until the sink
# has every acknowledged message (figure 3).
ingest_e2e() {
    local round=$1 dir="$WORK/ingest-$1" port
    port=$(free_port)
    gateway_config "$dir" "$port"
    start_gateway "$dir" "$port"
    sink_reset
    local start ingest_end out line acked secs at_end delivered deadline done_at
    start=$(date +%s.%N)
    out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$LUA" "http://127.0.0.1:$port/v1/test/notes" \
        -- "gw$round-$RANDOM" "$TOKEN" 202)
    ingest_end=$(date +%s.%N)
    echo "$out" >"$WORK/ingest-$round.wrk"
    line=$(grep '^RESULT' <<<"$out")
    acked=$(field acked "$line"); secs=$(field seconds "$line")
    at_end=$(sink_count)
    # Drain: wait (up to 120 s) until the sink holds every acknowledged message. The sink may end with a few
    # more than wrk counted: requests in flight when wrk stopped were stored and delivered but not counted.
    delivered=$at_end
    deadline=$(( $(date +%s) + 120 ))
    while [ "$delivered" -lt "$acked" ] && [ "$(date +%s)" -lt "$deadline" ]; do
        sleep 0.05
        delivered=$(sink_count)
    done
    done_at=$(date +%s.%N)
    stop_pid "$GATEWAY_PID"
    [ "$delivered" -gt "$acked" ] && delivered=$acked
    [ "$at_end" -gt "$acked" ] && at_end=$acked
    local rate e2e during drain
    rate=$(awk -v n="$acked" -v s="$secs" 'BEGIN {printf "%.1f", n / s}')
    e2e=$(awk -v n="$delivered" -v a="$start" -v b="$done_at" 'BEGIN {printf "%.1f", n / (b - a)}')
    during=$(awk -v n="$at_end" -v a="$start" -v b="$ingest_end" 'BEGIN {printf "%.1f", n / (b - a)}')
    drain=$(awk -v a="$ingest_end" -v b="$done_at" 'BEGIN {printf "%.2f", b - a}')
    record ingest-rate "$round" "$rate"
    record ingest-p50 "$round" "$(field p50_ms "$line")"
    record ingest-p99 "$round" "$(field p99_ms "$line")"
    record e2e-rate "$round" "$e2e"
    record e2e-during "$round" "$during"
    record e2e-backlog "$round" $((acked - at_end))
    record e2e-drain "$round" "$drain"
    record e2e-missing "$round" $((acked - delivered))
    printf '  %-16s %10s msg/s acked (p50 %s ms, p99 %s ms; 4xx %s, 5xx %s, socket errors %s)\n' \
        ingest-gw "$rate" "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
        "$(field s4xx "$line")" "$(field s5xx "$line")" "$(field errors "$line")"
    printf '  %-16s %10s msg/s delivered end to end (%s/s during ingest; backlog %s at end, drained in %s s; missing %s)\n' \
        e2e-gw "$e2e" "$during" $((acked - at_end)) "$drain" $((acked - delivered))
    rm -rf "$dir"
}


# --- PostgreSQL (figure 4): a throwaway server for the whole run, a fresh database per measurement ---
if [ "$BENCH_PG" = 1 ]; then
    PG_DIR=$(mktemp -d /tmp/interchange-bench-pg.XXXXXX)
    PG_URL=$("$ROOT/Tests/postgres.sh" start "$PG_DIR") || { echo "bench: PostgreSQL did not start" >&2; exit 1; }
    PSQL=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
fi
# pg_database NAME: creates a fresh database on the bench server and prints its URL.
pg_database() {
    "$PSQL" -q "$PG_URL" -c "CREATE DATABASE $1" >/dev/null || return 1
    echo "${PG_URL%/*}/$1"
}

# ingest_pg ROUND NODES: durable ingest on PostgreSQL through NODES gateways (1 or 2) sharing one fresh database,
# delivery to the sink running, as in figure 2. With 2 nodes, one wrk per node with half the connections and
# one thread each, started together; the rate is their sum, the p99 the worse of the two.
ingest_pg() {
    local round=$1 nodes=$2 url i port dir ports=() pids=() outs=()
    url=$(pg_database "bench_r${round}_n${nodes}") || exit 1
    for i in $(seq "$nodes"); do
        dir="$WORK/pg-$round-$nodes-$i"
        port=$(free_port)
        gateway_config "$dir" "$port" "" "" "$url" "bench$i"
        start_gateway "$dir" "$port"
        ports+=("$port"); pids+=("$GATEWAY_PID")
    done
    sink_reset
    local conns=$((CONNS / nodes)) threads=$((nodes == 1 ? 2 : 1))
    for i in $(seq "$nodes"); do
        wrk -t"$threads" -c"$conns" -d"${DURATION}s" -s "$LUA" "http://127.0.0.1:${ports[$((i - 1))]}/v1/test/notes" \
            -- "pg$round-$nodes-$i-$RANDOM" "$TOKEN" 202 >"$WORK/pg-$round-$nodes-$i.wrk" &
        outs+=($!)
    done
    for i in "${outs[@]}"; do wait "$i"; done
    local acked=0 secs=0 p50=0 p99=0 s5xx=0 errors=0 line
    for i in $(seq "$nodes"); do
        line=$(grep '^RESULT' "$WORK/pg-$round-$nodes-$i.wrk")
        acked=$((acked + $(field acked "$line")))
        s5xx=$((s5xx + $(field s5xx "$line")))
        errors=$((errors + $(field errors "$line")))
        secs=$(awk -v a="$secs" -v b="$(field seconds "$line")" 'BEGIN {print (b > a) ? b : a}')
        p50=$(awk -v a="$p50" -v b="$(field p50_ms "$line")" 'BEGIN {print (b > a) ? b : a}')
        p99=$(awk -v a="$p99" -v b="$(field p99_ms "$line")" 'BEGIN {print (b > a) ? b : a}')
    done
    # Every acknowledged message must reach the sink (whichever node delivers it); up to 120 s.
    local delivered deadline
    delivered=$(sink_count); deadline=$(( $(date +%s) + 120 ))
    while [ "$delivered" -lt "$acked" ] && [ "$(date +%s)" -lt "$deadline" ]; do
        sleep 0.1
        delivered=$(sink_count)
    done
    for i in "${pids[@]}"; do stop_pid "$i"; done
    [ "$delivered" -gt "$acked" ] && delivered=$acked
    local rate
    rate=$(awk -v n="$acked" -v s="$secs" 'BEGIN {printf "%.1f", n / s}')
    record "pg$nodes-rate" "$round" "$rate"
    record "pg$nodes-p99" "$round" "$p99"
    record "pg-missing" "$round" $((acked - delivered))
    printf '  %-16s %10s msg/s acked (p50 %s ms, p99 %s ms; 5xx %s, socket errors %s; never delivered %s)\n' \
        "ingest-pg-${nodes}node" "$rate" "$p50" "$p99" "$s5xx" "$errors" $((acked - delivered))
    for i in $(seq "$nodes"); do rm -rf "$WORK/pg-$round-$nodes-$i"; done
}

# visits_config DIR PORT: figure 5's gateway: one hospital agency (code 01013, token) sending hospital.visit,
# routed to the sink as canonical.json (or to a paused destination with BENCH_VISITS_DELIVERY=paused).
visits_config() {
    local dir=$1 port=$2 url="http://127.0.0.1:$SINK_PORT/visits" breaker=""
    if [ "$VISITS_DELIVERY" = paused ]; then
        url="http://127.0.0.1:$(free_port)/visits"
        breaker=', "breaker": {"failureThreshold": 1, "openMs": 3600000}'
    fi
    mkdir -p "$dir"
    printf '%s\n' "$TOKEN" >"$dir/bench.token"
    cat >"$dir/gateway.json" <<EOF
{
  "node": "bench",
  "listeners": [{"name": "plain", "host": "127.0.0.1", "port": $port, "role": "agency", "plain": true}],
  "limits": {"maxBatchBodyBytes": 33554432},
  "store": "sqlite:$dir/data/interchange.db",
  "agencies": [
    {"id": "bv-bench", "kind": "hospital", "name": "Benchmark hospital", "code": "01013", "province": "01",
     "auth": {"tokenFile": "$dir/bench.token"}, "types": ["hospital.visit"]}
  ],
  "destinations": [
    {"id": "sink", "url": "$url", "format": "canonical.json",
     "timeoutMs": 10000, "concurrency": $DEST_CONCURRENCY$breaker}
  ],
  "routes": [{"type": "hospital.visit", "destinations": ["sink"]}]
}
EOF
}

# visits_run ROUND MODE SIDE: figure 5, one bench-visits run of MODE (json | envelope) against a fresh gateway
# (SIDE gw) or nginx's 200 server (SIDE nginx); records visits/s and p99.
visits_run() {
    local round=$1 mode=$2 side=$3 dir="$WORK/visits-$1-$2" port url out line expect=()
    if [ "$side" = gw ]; then
        port=$(free_port)
        visits_config "$dir" "$port"
        start_gateway "$dir" "$port"
        url="http://127.0.0.1:$port/v1/hospital/visits"
        if [ "$mode" = json ]; then expect=(--expect 202); else expect=(--expect 200 --expect-body '"accepted":20'); fi
    else
        url="http://127.0.0.1:$NGX_VISITS/v1/hospital/visits"
        expect=(--expect 200)
    fi
    sink_reset
    out=$("$BIN/BenchVisits" --url "$url" --mode "$mode" --fixtures "$FIXTURES" --seconds "$DURATION" \
        --concurrency "$CONNS" --token "$TOKEN" "${expect[@]}" 2>"$WORK/visits-$round-$mode-$side.err")
    if [ "$side" = gw ]; then stop_pid "$GATEWAY_PID"; rm -rf "$dir"; fi
    echo "$out" >"$WORK/visits-$round-$mode-$side.out"
    line=$(grep '^RESULT' <<<"$out")
    record "visits-$mode-$side" "$round" "$(field vps "$line")"
    record "visits-$mode-$side-p99" "$round" "$(field p99_ms "$line")"
    printf '  %-16s %10s visits/s, %s req/s (p50 %s ms, p99 %s ms; other %s, 4xx %s, 5xx %s, errors %s)%s\n' \
        "$mode-$side" "$(field vps "$line")" "$(field rps "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
        "$(field other "$line")" "$(field s4xx "$line")" "$(field s5xx "$line")" "$(field errors "$line")" \
        "$(sed -n 's/^bench-visits: first non-success: \(.\{0,160\}\).*/  first: \1/p' "$WORK/visits-$round-$mode-$side.err")"
}

# log_search_run ROUND: figure 6. bench-log-search fills (first run only) and queries a store of LOG_MESSAGES
# visits through the store API; then `interchange serve` on the same file answers GET /v1/log by citizen and by
# MA_LK to one wrk connection (one search at a time, so latency is the search's, not a queue's).
log_search_run() {
    local round=$1 db="$ROOT/.build/bench-log/log-$LOG_MESSAGES.db" dir="$WORK/logsearch-$1" port out line kind mode
    [ "$LOG_SKIPPED" = 1 ] && return 0
    mkdir -p "$ROOT/.build/bench-log" "$dir"
    if [ ! -f "$db" ]; then
        # About 3.4 KB per visit once filled, and the index rebuild needs room to sort: ask for 4 KB.
        local need_kb=$((LOG_MESSAGES * 4)) free_kb
        free_kb=$(df -Pk "$ROOT/.build/bench-log" | awk 'NR == 2 {print $4}')
        if [ "$free_kb" -lt "$need_kb" ]; then
            echo "  figure 6 skipped: its store of $LOG_MESSAGES visits needs about $((need_kb / 1048576)) GB free" \
                "in .build/bench-log, $((free_kb / 1048576)) GB are (set BENCH_LOG_MESSAGES lower)"
            LOG_SKIPPED=1
            return 0
        fi
    fi
    if [ "$round" = 1 ]; then echo "  (figure 6: a store of $LOG_MESSAGES visits in ${db#"$ROOT"/}, filled on first use)"; fi
    out=$("$BIN/BenchLogSearch" --db "$db" --messages "$LOG_MESSAGES" --queries "$LOG_QUERIES" 2>"$dir/fill.err") \
        || { cat "$dir/fill.err" >&2; exit 1; }
    for kind in citizen ma_lk baseline-key-lookup; do
        line=$(grep "kind=$kind " <<<"$out")
        record "logsearch-store-$kind-p99" "$round" "$(field p99_ms "$line")"
        printf '  %-16s store %-20s p50 %s ms, p99 %s ms, max %s ms (%s entries per answer)\n' "logsearch" "$kind" \
            "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field max_ms "$line")" "$(field rows_mean "$line")"
    done
    port=$(free_port)
    printf '%s\n' "$TOKEN" >"$dir/operator.token"
    cat >"$dir/gateway.json" <<JSON
{
  "node": "bench",
  "listeners": [{"name": "operator", "host": "127.0.0.1", "port": $port, "role": "operator", "plain": true}],
  "store": "sqlite:$db",
  "retention": {"metadataDays": 3650, "bodyDays": 3650},
  "agencies": [],
  "destinations": [],
  "routes": [],
  "operators": [{"name": "bench", "role": "auditor", "tokenFile": "$dir/operator.token"}]
}
JSON
    start_gateway "$dir" "$port"
    for mode in citizen key; do
        out=$(wrk -t1 -c1 -d"${DURATION}s" -s "$ROOT/Benchmarks/logsearch.lua" "http://127.0.0.1:$port" \
            -- "$TOKEN" "$mode" "$LOG_MESSAGES" 2>"$dir/wrk-$mode.err")
        line=$(grep '^RESULT' <<<"$out")
        record "logsearch-http-$mode-p99" "$round" "$(field p99_ms "$line")"
        printf '  %-16s http  %-20s p50 %s ms, p99 %s ms, max %s ms (%s requests, non-200 %s)%s\n' "logsearch" "$mode" \
            "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field max_ms "$line")" "$(field requests "$line")" \
            "$(field non200 "$line")" "$(sed -n 's/^logsearch: \(.\{0,160\}\).*/  \1/p' "$dir/wrk-$mode.err")"
    done
    stop_pid "$GATEWAY_PID"
    rm -rf "$dir"
}

if want 1; then
    FLOOR_DIR="$WORK/floor"
    GW_PLAIN=$(free_port); GW_TLS=$(free_port)
    gateway_config "$FLOOR_DIR" "$GW_PLAIN" "$GW_TLS"
    start_gateway "$FLOOR_DIR" "$GW_PLAIN"
    FLOOR_PID=$GATEWAY_PID
fi

LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
echo "== $ROUNDS rounds of ${DURATION}s runs, $CONNS connections, targets alternating (this machine: $(nproc) cores; figures ${ONLY:1:-1})"
for round in $(seq "$ROUNDS"); do
    echo "-- round $round"
    # Alternate which side goes first so drift over the run doesn't favour one.
    if [ $((round % 2)) = 1 ]; then order="gw nginx"; else order="nginx gw"; fi

    # 1. HTTP floor, plain and TLS.
    if want 1; then
        for side in $order; do
            if [ "$side" = gw ]; then wrk_rps floor-gw "$round" "http://127.0.0.1:$GW_PLAIN/healthz"
            else wrk_rps floor-nginx "$round" "http://127.0.0.1:$NGX_PLAIN/healthz"; fi
        done
        for side in $order; do
            if [ "$side" = gw ]; then wrk_rps tls-gw "$round" "https://127.0.0.1:$GW_TLS/healthz"
            else wrk_rps tls-nginx "$round" "https://127.0.0.1:$NGX_TLS/healthz"; fi
        done
    fi

    # 5. Hospital visits, JSON and GIAMDINHHS envelopes, against nginx answering 200.
    if want 5; then
        for mode in json envelope; do
            for side in $order; do visits_run "$round" "$mode" "$side"; done
        done
    fi

    # 6. Routing-log search on a store of LOG_MESSAGES visits.
    if want 6; then log_search_run "$round"; fi

    # 2–4. Durable ingest, end to end, PostgreSQL.
    [ "$INGEST" = 1 ] || continue
    for side in $order; do
        if [ "$side" = gw ]; then
            ingest_paused "$round"
            ingest_e2e "$round"
            if [ "$BENCH_PG" = 1 ]; then
                ingest_pg "$round" 1
                ingest_pg "$round" 2
            fi
        else
            # Baseline A: the store's group commit without HTTP.
            raw=$("$BIN/BenchSQLite" --db "$WORK/raw-$round.db" --seconds "$DURATION" --tasks "$CONNS")
            record raw-rate "$round" "$(field rate "$raw")"
            record raw-p99 "$round" "$(field p99_ms "$raw")"
            printf '  %-16s %10s msg/s (p50 %s ms, p99 %s ms)\n' raw-sqlite "$(field rate "$raw")" \
                "$(field p50_ms "$raw")" "$(field p99_ms "$raw")"
            rm -f "$WORK/raw-$round".db*
            # Baseline B: nginx proxy_pass to the same sink.
            sink_reset
            out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$LUA" "http://127.0.0.1:$NGX_PROXY/notes" \
                -- "px$round-$RANDOM" - 200)
            echo "$out" >"$WORK/proxy-$round.wrk"
            line=$(grep '^RESULT' <<<"$out")
            delivered=$(sink_count)
            rate=$(awk -v n="$delivered" -v s="$(field seconds "$line")" 'BEGIN {printf "%.1f", n / s}')
            record proxy-rate "$round" "$rate"
            printf '  %-16s %10s msg/s delivered (p99 %s ms; non-200 %s)\n' nginx-proxy "$rate" \
                "$(field p99_ms "$line")" $(( $(field s4xx "$line") + $(field s5xx "$line") + $(field other2xx "$line") ))
        fi
    done
done

# --- summary ---
median() {
    awk -v f="$1" '$1 == f {print $3}' "$RESULTS" | sort -g | awk '{v[NR] = $1} END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }
# verdict VALUE OP GOAL
verdict() { awk -v v="$1" -v g="$3" -v op="$2" 'BEGIN {
    ok = (op == ">=") ? (v >= g) : (v <= g); print ok ? "PASS" : "FAIL" }'; }

# Per-round ratios: each pairs two runs measured minutes apart at most, so their median resists the drift and
# the neighbours' load on a shared machine better than a ratio of medians.
per_round_ratio() {  # NAME NUMERATOR DENOMINATOR
    local round a b
    for round in $(seq "$ROUNDS"); do
        a=$(awk -v f="$2" -v r="$round" '$1 == f && $2 == r {print $3}' "$RESULTS")
        b=$(awk -v f="$3" -v r="$round" '$1 == f && $2 == r {print $3}' "$RESULTS")
        if [ -n "$a" ] && [ -n "$b" ]; then record "$1" "$round" "$(ratio "$a" "$b")"; fi
    done
}
per_round_ratio ratio-floor floor-gw floor-nginx
per_round_ratio ratio-tls tls-gw tls-nginx
per_round_ratio ratio-ingest ingest-rate raw-rate
per_round_ratio ratio-paused paused-rate raw-rate
per_round_ratio ratio-e2e e2e-rate proxy-rate
per_round_ratio ratio-pg1 pg1-rate ingest-rate
per_round_ratio ratio-pg2 pg2-rate ingest-rate
per_round_ratio ratio-pg2-pg1 pg2-rate pg1-rate
per_round_ratio ratio-visits-json visits-json-gw visits-json-nginx
per_round_ratio ratio-visits-envelope visits-envelope-gw visits-envelope-nginx

SUMMARY="$OUT/summary.txt"
{
    echo "Interchange bench $(date -u +%Y-%m-%dT%H:%MZ): medians of $ROUNDS rounds, ${DURATION}s runs, wrk -t2 -c$CONNS, $(nproc) cores"
    echo "load average (1 min) at start $LOAD_START, at end $(cut -d' ' -f1 /proc/loadavg): above ~3 on 2 cores, other work competed"
    echo "values: medians of the rounds; ratio: median of the per-round ratios"
    printf '%-34s %14s %22s %8s %10s %6s\n' figure value baseline ratio goal result
    row() {  # name value baseline-label baseline-value ratio goal-text verdict
        printf '%-34s %14s %22s %8s %10s %6s\n' "$1" "$2" "$3" "$4" "$5" "$6"
    }
    if want 1; then
        fgw=$(median floor-gw); fngx=$(median floor-nginx); r=$(median ratio-floor)
        row "1 HTTP floor, plain (req/s)" "$fgw" "nginx $fngx" "$r" ">= 0.80" "$(verdict "$r" ">=" 0.8)"
        tgw=$(median tls-gw); tngx=$(median tls-nginx); r=$(median ratio-tls)
        row "1 HTTP floor, TLS (req/s)" "$tgw" "nginx $tngx" "$r" ">= 0.80" "$(verdict "$r" ">=" 0.8)"
    fi
    if [ "$INGEST" = 1 ]; then
        ing=$(median ingest-rate); raw=$(median raw-rate); r=$(median ratio-ingest)
        row "2 durable ingest (msg/s)" "$ing" "raw SQLite $raw" "$r" ">= 0.60" "$(verdict "$r" ">=" 0.6)"
        pau=$(median paused-rate)
        row "2 ingest, delivery paused (msg/s)" "$pau" "raw SQLite $raw" "$(median ratio-paused)" "(info)" "-"
        row "2 durable ingest, absolute" "$ing" "-" "-" ">= 10000" "$(verdict "$ing" ">=" 10000)"
        p99=$(median ingest-p99)
        row "2 ingest p99 (ms)" "$p99" "raw p99 $(median raw-p99)" "-" "<= 25" "$(verdict "$p99" "<=" 25)"
        row "2 ingest p50 (ms)" "$(median ingest-p50)" "-" "-" "-" "-"
        row "2 ingest p99, delivery paused (ms)" "$(median paused-p99)" "-" "-" "(info)" "-"
        e2e=$(median e2e-rate); px=$(median proxy-rate); r=$(median ratio-e2e)
        row "3 end to end delivered (msg/s)" "$e2e" "proxy_pass $px" "$r" ">= 0.25" "$(verdict "$r" ">=" 0.25)"
        row "3 delivered during ingest (msg/s)" "$(median e2e-during)" "-" "-" "-" "-"
        row "3 backlog at end of ingest (msgs)" "$(median e2e-backlog)" "-" "-" "-" "-"
        row "3 drain time after ingest (s)" "$(median e2e-drain)" "-" "-" "-" "-"
        missing=$(awk '$1 == "e2e-missing" {s += $3} END {print s + 0}' "$RESULTS")
        row "3 acked but never delivered" "$missing" "-" "-" "= 0" "$( [ "$missing" = 0 ] && echo PASS || echo FAIL)"
        if [ "$BENCH_PG" = 1 ]; then
            row "4 ingest on PostgreSQL, 1 node" "$(median pg1-rate)" "SQLite ingest $ing" "$(median ratio-pg1)" "(info)" "-"
            row "4 ingest on PostgreSQL, 2 nodes" "$(median pg2-rate)" "SQLite ingest $ing" "$(median ratio-pg2)" "(info)" "-"
            row "4 2 nodes / 1 node" "$(median ratio-pg2-pg1)" "-" "-" "(info)" "-"
            row "4 PostgreSQL p99, 1 node (ms)" "$(median pg1-p99)" "SQLite p99 $p99" "-" "(info)" "-"
            row "4 PostgreSQL p99, 2 nodes (ms)" "$(median pg2-p99)" "SQLite p99 $p99" "-" "(info)" "-"
            pgmissing=$(awk '$1 == "pg-missing" {s += $3} END {print s + 0}' "$RESULTS")
            row "4 acked but never delivered" "$pgmissing" "-" "-" "= 0" "$( [ "$pgmissing" = 0 ] && echo PASS || echo FAIL)"
        fi
    fi
    if want 5; then
        v=$(median visits-json-gw)
        row "5 visits as JSON (visits/s)" "$v" "nginx $(median visits-json-nginx)" "$(median ratio-visits-json)" \
            ">= 8000" "$(verdict "$v" ">=" 8000)"
        row "5 visits as JSON p99 (ms)" "$(median visits-json-gw-p99)" "nginx p99 $(median visits-json-nginx-p99)" \
            "-" "(info)" "-"
        v=$(median visits-envelope-gw)
        row "5 visits in envelopes (visits/s)" "$v" "nginx $(median visits-envelope-nginx)" \
            "$(median ratio-visits-envelope)" ">= 20000" "$(verdict "$v" ">=" 20000)"
        row "5 visits in envelopes p99 (ms)" "$(median visits-envelope-gw-p99)" \
            "nginx p99 $(median visits-envelope-nginx-p99)" "-" "(info)" "-"
        echo "  (figure 5: 20 HOSO per envelope, bench-visits with $CONNS concurrent requests; gateway delivery: $VISITS_DELIVERY)"
    fi
    if want 6 && [ "$LOG_SKIPPED" = 1 ]; then
        echo "6 log search: skipped, not enough disk for a store of $LOG_MESSAGES visits"
    elif want 6; then
        base=$(median logsearch-store-baseline-key-lookup-p99)
        for kind in citizen ma_lk; do
            v=$(median "logsearch-store-$kind-p99")
            row "6 log by $kind, store p99 (ms)" "$v" "key lookup $base" "$(ratio "$v" "$base")" "<= 10" \
                "$(verdict "$v" "<=" 10)"
        done
        v=$(median logsearch-http-citizen-p99)
        row "6 GET /v1/log?citizen p99 (ms)" "$v" "-" "-" "<= 10" "$(verdict "$v" "<=" 10)"
        v=$(median logsearch-http-key-p99)
        row "6 GET /v1/log?key p99 (ms)" "$v" "-" "-" "<= 10" "$(verdict "$v" "<=" 10)"
        echo "  (figure 6: $LOG_MESSAGES visits, 6 log entries each; $LOG_QUERIES store searches per kind and round;"
        echo "   HTTP: one wrk connection for ${DURATION}s per kind; newest page of 50)"
    fi
    echo
    echo "per round:"
    sort -k1,1 -k2,2n "$RESULTS" | awk '{printf "  %-16s round %s  %s\n", $1, $2, $3}'
} >"$SUMMARY"
echo
cat "$SUMMARY"
echo "(written to ${SUMMARY#"$ROOT"/})"
