#!/usr/bin/env bash
# Chorus benchmarks: one load generator, every server measured in the same run by the same client.
#
#   bench/run.sh SCENARIO [TARGET|all] [load generator options…]
#
#   SCENARIO  fanout | channels | idle | resume | sse | votes | reactions | charts
#   TARGET    chorus | socketio | nchan | all (default; resume, sse, votes and reactions are Chorus only)
#
# Without --subscribers/--payload, fanout runs its matrix (N = 1,000 and 10,000; payload 64 B and
# 1 KB). Extra options go to the load generator (see BENCHMARKS.md), e.g.
#   bench/run.sh fanout chorus --subscribers 200 --payload 64 --rates 50,100 --duration 10
#
# Each target gets fresh servers in a scratch folder, pinned to SERVER_CPU (0); the load generator
# runs on CLIENT_CPU (1). Results: bench/results/*.json, charts: bench/results/*.png.
#
# Environment:
#   SERVER_CPU, CLIENT_CPU     cores to pin to (default 0 and 1)
#   CHORUS_BROKER              split (default: the broker in its own JVM, `chorus-dev.jar dev`, CPU
#                              reported apart) | kafka (the same with `chorus-dev.jar kafka`, the
#                              broker alone) | embedded (one JVM: `chorus-dev.jar dev` is measured;
#                              for votes and reactions it holds ingest and the join API too)
#   CHORUS_GATEWAY_JAR         a built chorus-gateway.jar (with lib/ beside it); default: build it
#   CHORUS_DEV_JAR             a built chorus-dev.jar (with lib/ beside it), which holds the broker
#                              (the gateway jar has none); default: build it
#   BENCH_JAVA_OPTS            load generator JVM options (default -Xmx4g)
#   GATEWAY_JAVA_OPTS          gateway JVM options (default -Xmx4g)
#   BROKER_JAVA_OPTS           the broker's JVM options (default: GATEWAY_JAVA_OPTS)
#   BENCH_PROFILE=1            profile the gateway with async-profiler during the run (flame graph);
#                              BENCH_PROFILE_DELAY=S starts the profiler S seconds into the run
#   BENCH_LOADGEN=node         fanout only: the Node `ws` load generator (bench/node/fanout.mjs; Chorus
#                              fed through kcat) instead of the Java one; same servers, pinning and options
#                              BENCH_PROFILE_PROCESS=ingest|broker: profile that server instead of
#                              the gateway (ingest: votes, reactions; broker: also fanout with a
#                              split or kafka broker)
#   BENCH_KEEP=1               keep the scratch folders (logs) after the run
#   BENCH_PORT_OFFSET=N        add N to every server port (two checkouts benchmarking at once)
#   BENCH_QUIET_PERCENT/_WAIT  before each run, wait up to _WAIT s (180) for the machine to be under
#                              _PERCENT % busy (20): the machine may be shared
#   votes, reactions           the broker (`chorus-dev.jar kafka`), ingest (`chorus-ingest.jar`, its own
#                              JVM) and the gateway (`serve`, engagement namespaces) as three processes:
#   CHORUS_INGEST_JAR          a built chorus-ingest.jar (with lib/ beside it); default: build it
#   INGEST_JAVA_OPTS           ingest JVM options (default -Xmx2g)
#   INGEST_CONFIG              a YAML file for ingest (`--config`), e.g. Kafka Streams settings under
#                              kafka.streams
#   REACTIONS_PER_WINDOW       ingest's engage.limits.reactionsPerWindow for the run (default 30 per
#                              10 s: 2 reactions/s per participant fit; ingest's own default is 5)
set -euo pipefail
# The whole script is one block, read before it runs: editing this file mid-run cannot break a run.
{

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
results="$here/results"
mkdir -p "$results"

scenario=${1:-}
target=${2:-all}
[ $# -ge 1 ] && shift
[ $# -ge 1 ] && shift
extra=("$@")

SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
CHORUS_BROKER=${CHORUS_BROKER:-split}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx4g}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xmx4g}
BROKER_JAVA_OPTS=${BROKER_JAVA_OPTS:-$GATEWAY_JAVA_OPTS}

# Ports: away from the defaults (8080, 9092) that developers' own gateways use. BENCH_PORT_OFFSET
# moves them all, so that two checkouts running at once do not reach each other's servers.
o=${BENCH_PORT_OFFSET:-0}
CHORUS_PORT=$((28080 + o)) KAFKA_PORT=$((29092 + o)) KAFKA_CTRL_PORT=$((29093 + o))
BROKER_HTTP_PORT=$((28180 + o)) BROKER_KAFKA_PORT=$((29192 + o)) BROKER_CTRL_PORT=$((29193 + o))
SOCKETIO_PORT=$((28300 + o)) REDIS_PORT=$((28379 + o)) NCHAN_PORT=$((28400 + o))
INGEST_PORT=$((28181 + o))
INGEST_JAVA_OPTS=${INGEST_JAVA_OPTS:--Xmx2g}
REACTIONS_PER_WINDOW=${REACTIONS_PER_WINDOW:-30}
# The engagement storms sign participant tokens with the gateway's secret; the join API needs both.
ENGAGE_SECRET=chorus-bench-hmac-secret-0123456789abcdef
ENGAGE_ADMIN_KEY=chorus-bench-admin-key
# Every client comes from one or a few loopback addresses: lift the per-address admission rates.
LOOPBACK_LIMITS=(CHORUS_LIMITS_NEW_CONNECTIONS_PER_SECOND=1000000 CHORUS_LIMITS_NEW_CONNECTIONS_PER_IP_PER_SECOND=1000000
  CHORUS_LIMITS_MAX_CONNECTIONS=100000)

log() { printf '[run %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

case "$scenario" in
  fanout|channels|idle) targets_all=(chorus socketio nchan) ;;
  resume|sse|votes|reactions) targets_all=(chorus) ;;
  charts) exec "$here/charts.sh" ;;
  *) usage ;;
esac
if [ "$target" = all ]; then targets=("${targets_all[@]}"); else targets=("$target"); fi

pin() {
  # taskset only when the cores exist; otherwise run unpinned and say so.
  local cpu=$1; shift
  if command -v taskset >/dev/null && [ "$(nproc --all)" -gt "$cpu" ]; then
    taskset -c "$cpu" "$@"
  else
    "$@"
  fi
}

# --- what the servers need -------------------------------------------------------------------------

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root, or install them)"
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

need_loadgen() {
  if [ "${BENCH_LOADGEN:-java}" = node ]; then
    command -v kcat >/dev/null || apt_install kcat
    if [ ! -d "$here/node/node_modules/ws" ]; then
      log "npm ci in bench/node"
      (cd "$here/node" && npm ci --no-audit --no-fund --silent)
    fi
    return 0
  fi
  local jar="$here/target/chorus-bench.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$here/src" "$here/pom.xml" -newer "$jar" -print -quit)" ]; then
    log "building the load generator"
    (cd "$root" && mvn -q -o -f bench/pom.xml package -DskipTests 2>/dev/null \
      || mvn -q -f bench/pom.xml package -DskipTests)
  fi
}

gateway_dir=""
need_gateway() {
  [ -n "$gateway_dir" ] && return 0
  local jar=${CHORUS_GATEWAY_JAR:-}
  if [ -z "$jar" ]; then
    jar="$root/gateway/target/chorus-gateway.jar"
    if [ ! -f "$jar" ]; then
      log "building the gateway"
      (cd "$root" && mvn -q install -DskipTests -pl gateway -am)
    fi
  fi
  local devjar=${CHORUS_DEV_JAR:-}
  if [ -z "$devjar" ]; then
    devjar="$root/dev/target/chorus-dev.jar"
    if [ ! -f "$devjar" ]; then
      log "building the dev launcher (the broker)"
      (cd "$root" && mvn -q package -DskipTests -pl gateway,dev -am)
    fi
  fi
  # A copy: a rebuild while the benchmark runs must not swap the jar under the running gateway.
  gateway_dir=$(mktemp -d /tmp/chorus-bench-gw.XXXXXX)
  cp "$jar" "$gateway_dir/chorus-gateway.jar"
  cp -r "$(dirname "$jar")/lib" "$gateway_dir/lib"
  mkdir -p "$gateway_dir/dev"
  cp "$devjar" "$gateway_dir/dev/chorus-dev.jar"
  cp -r "$(dirname "$devjar")/lib" "$gateway_dir/dev/lib"
}

need_socketio() {
  apt_install redis-server
  command -v node >/dev/null || apt_install nodejs npm
  if [ ! -d "$here/peers/socketio/node_modules/socket.io" ]; then
    log "npm ci in bench/peers/socketio"
    (cd "$here/peers/socketio" && npm ci --no-audit --no-fund --silent)
  fi
}

need_nchan() {
  apt_install nginx libnginx-mod-nchan
}

# --- starting and stopping servers -----------------------------------------------------------------

started=()      # pids we started, stopped in reverse order
scratch=""
pids=()         # --pid name=PID for the load generator
gateway_pid=""
port=""
publish_endpoint=""

stop_servers() {
  stop_pids "${started[@]}"
  started=()
  pids=()
  if [ -n "$scratch" ] && [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$scratch"; fi
  scratch=""
}
cleanup() {
  stop_servers
  if [ -n "$gateway_dir" ]; then rm -rf "$gateway_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() {
  local url=$1 what=$2 pid=$3
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || die "$what exited while starting (logs in $scratch)"
    sleep 0.25
  done
  die "$what did not become ready at $url (logs in $scratch)"
}

wait_tcp() {
  local port=$1 what=$2 pid=$3
  for _ in $(seq 1 240); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || die "$what exited while starting (logs in $scratch)"
    sleep 0.25
  done
  die "$what did not listen on $port (logs in $scratch)"
}

start_chorus() {
  need_gateway
  local limits=(CHORUS_HTTP_HOST=127.0.0.1 "${LOOPBACK_LIMITS[@]}")
  local jvm=($GATEWAY_JAVA_OPTS -XX:NativeMemoryTracking=summary)
  if [ "$CHORUS_BROKER" = split ] || [ "$CHORUS_BROKER" = kafka ]; then
    mkdir -p "$scratch/broker" "$scratch/gateway"
    # split: `chorus-dev.jar dev` (broker and a second gateway) holds the broker;
    # kafka: `chorus-dev.jar kafka`, the broker alone. The gateway jar has no broker.
    local holder=dev
    [ "$CHORUS_BROKER" = kafka ] && holder=kafka
    (cd "$scratch/broker" && exec env "${limits[@]}" CHORUS_HTTP_PORT=$BROKER_HTTP_PORT \
      CHORUS_KAFKA_EMBEDDED_PORT=$BROKER_KAFKA_PORT CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=$BROKER_CTRL_PORT \
      taskset -c "$SERVER_CPU" java $BROKER_JAVA_OPTS -jar "$gateway_dir/dev/chorus-dev.jar" "$holder" \
      >"$scratch/broker.log" 2>&1) &
    local broker=$!
    started+=("$broker")
    if [ "$holder" = dev ]; then
      wait_http "http://127.0.0.1:$BROKER_HTTP_PORT/health/ready" "broker" "$broker"
    else
      wait_tcp "$BROKER_KAFKA_PORT" "broker" "$broker"
    fi
    (cd "$scratch/gateway" && exec env "${limits[@]}" CHORUS_HTTP_PORT=$CHORUS_PORT \
      KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$BROKER_KAFKA_PORT CHORUS_NAMESPACES_ALLOW_ANY=true \
      CHORUS_KAFKA_CREATE_TOPICS=true CHORUS_AUTH_ANONYMOUS=true \
      taskset -c "$SERVER_CPU" java "${jvm[@]}" -jar "$gateway_dir/chorus-gateway.jar" serve \
      >"$scratch/gateway.log" 2>&1) &
    local gw=$!
    started+=("$gw")
    wait_http "http://127.0.0.1:$CHORUS_PORT/health/ready" "gateway" "$gw"
    pids=(--pid "gateway=$gw" --pid "broker=$broker")
    gateway_pid=$gw broker_pid=$broker
    publish_endpoint=127.0.0.1:$BROKER_KAFKA_PORT
  else
    mkdir -p "$scratch/gateway"
    (cd "$scratch/gateway" && exec env "${limits[@]}" CHORUS_HTTP_PORT=$CHORUS_PORT \
      CHORUS_KAFKA_EMBEDDED_PORT=$KAFKA_PORT CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=$KAFKA_CTRL_PORT \
      taskset -c "$SERVER_CPU" java "${jvm[@]}" -jar "$gateway_dir/dev/chorus-dev.jar" dev \
      >"$scratch/gateway.log" 2>&1) &
    local gw=$!
    started+=("$gw")
    wait_http "http://127.0.0.1:$CHORUS_PORT/health/ready" "gateway" "$gw"
    pids=(--pid "gateway+broker=$gw")
    gateway_pid=$gw
    publish_endpoint=127.0.0.1:$KAFKA_PORT
  fi
  port=$CHORUS_PORT
}

# The engagement stack as three processes, each measured on its own: the broker alone
# (`chorus-dev.jar kafka`), ingest (`chorus-ingest.jar`: Kafka Streams and the join API) and the gateway
# (`serve`, with the namespaces of ENGAGE.md and the run's HMAC secret).
need_ingest() {
  local jar=${CHORUS_INGEST_JAR:-$root/ingest/target/chorus-ingest.jar}
  if [ ! -f "$jar" ]; then
    log "building ingest"
    (cd "$root" && mvn -q -o package -DskipTests -pl ingest -am)
  fi
  mkdir -p "$gateway_dir/ingest"
  cp "$jar" "$gateway_dir/ingest/chorus-ingest.jar"
  cp -r "$(dirname "$jar")/lib" "$gateway_dir/ingest/lib"
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_engage() {
  need_gateway
  if [ "$CHORUS_BROKER" = embedded ]; then
    start_engage_dev
    return
  fi
  need_ingest
  # Another checkout's servers on one of these ports would silently take this run's traffic.
  local p
  for p in "$BROKER_KAFKA_PORT" "$BROKER_CTRL_PORT" "$CHORUS_PORT" "$INGEST_PORT"; do
    port_free "$p" || die "port $p is in use (another run? set BENCH_PORT_OFFSET)"
  done
  mkdir -p "$scratch/broker" "$scratch/gateway" "$scratch/ingest"
  (cd "$scratch/broker" && exec env CHORUS_KAFKA_EMBEDDED_PORT=$BROKER_KAFKA_PORT \
    CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=$BROKER_CTRL_PORT \
    taskset -c "$SERVER_CPU" java $BROKER_JAVA_OPTS -jar "$gateway_dir/dev/chorus-dev.jar" kafka \
    >"$scratch/broker.log" 2>&1) &
  local broker=$!
  started+=("$broker")
  wait_tcp "$BROKER_KAFKA_PORT" "broker" "$broker"
  # The dev jar says "Kafka is running" once the broker takes writes (an older jar, as soon as it listens).
  local _w
  for _w in $(seq 1 480); do grep -q "Kafka is running" "$scratch/broker.log" && break; sleep 0.25; done
  local bootstrap=127.0.0.1:$BROKER_KAFKA_PORT
  cat >"$scratch/gateway/chorus.yaml" <<YAML
namespaces:
  configured:
    engage-in: {partitioner: murmur2_name}
    engage-ctl: {}
    engage: {clientPublish: false, conflate: true}
    engage-chat: {clientPublish: false}
    engage-mod: {clientPublish: false, conflate: true}
    engage-me: {clientPublish: false}
YAML
  (cd "$scratch/gateway" && exec env CHORUS_HTTP_HOST=127.0.0.1 CHORUS_HTTP_PORT=$CHORUS_PORT \
    "${LOOPBACK_LIMITS[@]}" KAFKA_BOOTSTRAP_SERVERS=$bootstrap CHORUS_KAFKA_CREATE_TOPICS=true \
    CHORUS_AUTH_HMAC_SECRET=$ENGAGE_SECRET \
    taskset -c "$SERVER_CPU" java $GATEWAY_JAVA_OPTS -jar "$gateway_dir/chorus-gateway.jar" serve \
    --config "$scratch/gateway/chorus.yaml" >"$scratch/gateway.log" 2>&1) &
  local gw=$!
  started+=("$gw")
  wait_http "http://127.0.0.1:$CHORUS_PORT/health/ready" "gateway" "$gw"
  # Ingest stops when it cannot create its topics: an older dev jar said it was running before its
  # broker took writes, so ingest starts after the gateway saw Kafka answer, and again if it stopped.
  local ingest="" attempt
  for attempt in 1 2 3 4 5; do
    (cd "$scratch/ingest" && exec env KAFKA_BOOTSTRAP_SERVERS=$bootstrap \
      CHORUS_INGEST_KAFKA_CREATE_TOPICS=true CHORUS_INGEST_KAFKA_STATE_DIR="$scratch/ingest/state" \
      CHORUS_INGEST_ENGAGE_HTTP_HOST=127.0.0.1 CHORUS_INGEST_ENGAGE_HTTP_PORT=$INGEST_PORT \
      CHORUS_INGEST_ENGAGE_HMAC_SECRET=$ENGAGE_SECRET CHORUS_INGEST_ENGAGE_ADMIN_KEY=$ENGAGE_ADMIN_KEY \
      CHORUS_INGEST_ENGAGE_DEMO_URL=http://127.0.0.1:$CHORUS_PORT/ CHORUS_INGEST_ENGAGE_TOPICS_CREATE=true \
      CHORUS_INGEST_ENGAGE_LIMITS_REACTIONS_PER_WINDOW=$REACTIONS_PER_WINDOW \
      taskset -c "$SERVER_CPU" java $INGEST_JAVA_OPTS -jar "$gateway_dir/ingest/chorus-ingest.jar" \
      ${INGEST_CONFIG:+--config "$INGEST_CONFIG"} >>"$scratch/ingest.log" 2>&1) &
    ingest=$!
    started+=("$ingest")
    local up=""
    for _ in $(seq 1 480); do
      curl -fsS -o /dev/null "http://127.0.0.1:$INGEST_PORT/health/ready" 2>/dev/null && { up=1; break; }
      kill -0 "$ingest" 2>/dev/null || break
      sleep 0.25
    done
    [ -n "$up" ] && break
    kill -0 "$ingest" 2>/dev/null && die "ingest did not become ready (logs in $scratch)"
    log "ingest stopped while starting (attempt $attempt): $(tail -1 "$scratch/ingest.log")"
    sleep 2
  done
  [ -n "$up" ] || die "ingest could not start (logs in $scratch)"
  pids=(--pid "gateway=$gw" --pid "broker=$broker" --pid "ingest=$ingest")
  gateway_pid=$gw
  ingest_pid=$ingest broker_pid=$broker engage_bootstrap=$bootstrap
  publish_endpoint=$bootstrap
  port=$CHORUS_PORT
}

# The engagement stack in one JVM, as `./chorus dev` runs it (`chorus-dev.jar dev`: broker, ingest,
# the gateway and the join API on its port), measured as one process.
start_engage_dev() {
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CTRL_PORT" "$CHORUS_PORT"; do
    port_free "$p" || die "port $p is in use (another run? set BENCH_PORT_OFFSET)"
  done
  mkdir -p "$scratch/gateway"
  # Dev mode reads ./ingest.yaml.
  [ -z "${INGEST_CONFIG:-}" ] || cp "$INGEST_CONFIG" "$scratch/gateway/ingest.yaml"
  (cd "$scratch/gateway" && exec env CHORUS_HTTP_HOST=127.0.0.1 CHORUS_HTTP_PORT=$CHORUS_PORT \
    CHORUS_KAFKA_EMBEDDED_PORT=$KAFKA_PORT CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=$KAFKA_CTRL_PORT \
    "${LOOPBACK_LIMITS[@]}" CHORUS_AUTH_HMAC_SECRET=$ENGAGE_SECRET \
    CHORUS_INGEST_ENGAGE_LIMITS_REACTIONS_PER_WINDOW=$REACTIONS_PER_WINDOW \
    taskset -c "$SERVER_CPU" java $GATEWAY_JAVA_OPTS -jar "$gateway_dir/dev/chorus-dev.jar" dev \
    >"$scratch/gateway.log" 2>&1) &
  local dev=$!
  started+=("$dev")
  wait_http "http://127.0.0.1:$CHORUS_PORT/health/ready" "chorus dev" "$dev"
  pids=(--pid "gateway+broker+ingest=$dev")
  gateway_pid=$dev ingest_pid=$dev broker_pid=$dev engage_bootstrap=127.0.0.1:$KAFKA_PORT
  engage_api=http://127.0.0.1:$CHORUS_PORT
  publish_endpoint=$engage_bootstrap
  port=$CHORUS_PORT
}

start_socketio() {
  need_socketio
  taskset -c "$SERVER_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --maxclients 1000 >"$scratch/redis.log" 2>&1 &
  local redis=$!
  started+=("$redis")
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT) 2>/dev/null && break
    sleep 0.1
  done
  (cd "$here/peers/socketio" && exec env PORT=$SOCKETIO_PORT HOST=127.0.0.1 \
    REDIS_URL=redis://127.0.0.1:$REDIS_PORT taskset -c "$SERVER_CPU" node server.js \
    >"$scratch/socketio.log" 2>&1) &
  local node=$!
  started+=("$node")
  wait_http "http://127.0.0.1:$SOCKETIO_PORT/health" "socket.io" "$node"
  pids=(--pid "node=$node" --pid "redis=$redis")
  publish_endpoint=127.0.0.1:$REDIS_PORT
  port=$SOCKETIO_PORT
}

start_nchan() {
  need_nchan
  mkdir -p "$scratch/nginx"/{client_body,proxy,fastcgi,uwsgi,scgi}
  sed -e "s#@DIR@#$scratch/nginx#g" -e "s#@PORT@#$NCHAN_PORT#g" "$here/peers/nchan/nginx.conf.template" \
    >"$scratch/nginx/nginx.conf"
  taskset -c "$SERVER_CPU" nginx -p "$scratch/nginx" -e "$scratch/nginx/error.log" \
    -c "$scratch/nginx/nginx.conf" >"$scratch/nginx.log" 2>&1 &
  local master=$!
  started+=("$master")
  wait_http "http://127.0.0.1:$NCHAN_PORT/health" "nginx" "$master"
  local worker
  worker=$(pgrep -P "$master" | head -1)
  [ -n "$worker" ] || die "no nginx worker process"
  pids=(--pid "nginx-worker=$worker" --pid "nginx-master=$master")
  publish_endpoint=127.0.0.1:$NCHAN_PORT
  port=$NCHAN_PORT
}

# --- profiling (optional) ---------------------------------------------------------------------------

profiler_lib() {
  local jar
  jar=$(find ~/.m2/repository/tools/profiler/async-profiler/4.1 -name 'async-profiler-4.1*.jar' 2>/dev/null | head -1)
  if [ -z "$jar" ]; then
    mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1 >/dev/null
    jar=$(find ~/.m2/repository/tools/profiler/async-profiler/4.1 -name 'async-profiler-4.1*.jar' | head -1)
  fi
  local dir="$HOME/.cache/chorus-bench/async-profiler-4.1"
  if [ ! -f "$dir/libasyncProfiler.so" ]; then
    mkdir -p "$dir"
    (cd "$dir" && unzip -q -o -j "$jar" 'linux-x64/libasyncProfiler.so')
  fi
  echo "$dir/libasyncProfiler.so"
}

# Sum of log end offsets per topic, one "topic offsets" line each.
topic_offsets() {
  local parts
  parts=$(kcat -b "$1" -L -J | jq -r '.topics[] | .topic as $t | .partitions[] | "-t \($t):\(.partition):-1"')
  # shellcheck disable=SC2086
  kcat -b "$1" -Q $parts | awk '/ offset /{n[$1]+=$NF} END {for (t in n) print t, n[t]}' | sort
}

# --- one run ---------------------------------------------------------------------------------------

has_opt() {
  local name=$1 a
  for a in "${extra[@]}"; do [ "$a" = "$name" ] && return 0; done
  return 1
}

# The machine may be shared: wait (bounded) until both cores are mostly idle before a run. Every
# step's result also says how busy the cores were with other work (otherLoadPercent).
wait_quiet() {
  local limit=${BENCH_QUIET_PERCENT:-20} waited=0 max=${BENCH_QUIET_WAIT:-180}
  while :; do
    local a b busy
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
    sleep 3
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
    busy=$(echo "$a $b" | awk '{d=$4-$2; print (d>0) ? int(100*($3-$1)/d) : 0}')
    if [ "$busy" -le "$limit" ]; then
      [ $waited -gt 0 ] && log "machine quiet after ${waited}s (${busy}% busy)"
      return 0
    fi
    if [ $waited -ge "$max" ]; then
      log "machine still ${busy}% busy after ${waited}s: running anyway (see otherLoadPercent in the results)"
      return 0
    fi
    [ $waited -eq 0 ] && log "machine ${busy}% busy with other work: waiting up to ${max}s"
    waited=$((waited + 3))
  done
}

run_one() {
  local t=$1 name=$2; shift 2
  wait_quiet
  scratch=$(mktemp -d /tmp/chorus-bench-run.XXXXXX)
  log "$scenario on $t: starting servers (core $SERVER_CPU), scratch $scratch"
  local engage=()
  if [ "$scenario" = votes ] || [ "$scenario" = reactions ]; then
    engage_api=http://127.0.0.1:$INGEST_PORT
    start_engage
    engage=(--api "$engage_api" --secret "$ENGAGE_SECRET" --admin-key "$ENGAGE_ADMIN_KEY")
    [ "$scenario" = reactions ] && engage+=(--reaction-limit "$REACTIONS_PER_WINDOW per 10 s")
  else
    "start_$t"
  fi
  local out="$results/$name.json"
  local profile=()
  if [ -n "${BENCH_PROFILE:-}" ] && [ "$t" = chorus ]; then
    # jcmd reads name=value pairs itself: the agent's options go in as one quoted string.
    local lib gwpid=$gateway_pid
    case "${BENCH_PROFILE_PROCESS:-gateway}" in
      ingest) gwpid=$ingest_pid ;;
      broker) gwpid=$broker_pid ;;
    esac
    lib=$(profiler_lib)
    # BENCH_PROFILE_DELAY=S starts it S seconds into the run (after connecting and warming up).
    (sleep "${BENCH_PROFILE_DELAY:-0}"
     jcmd "$gwpid" JVMTI.agent_load "$lib" "\"start,event=${BENCH_PROFILE_EVENT:-cpu},interval=1ms${BENCH_PROFILE_EVENT:+,threads}\"" \
       | grep -q 'return code: 0' || log "could not start async-profiler in the gateway") &
    profile=("$gwpid" "$lib")
  fi
  log "$scenario on $t: load generator on core $CLIENT_CPU -> $out"
  local rc=0
  local loadgen=(java $BENCH_JAVA_OPTS -jar "$here/target/chorus-bench.jar" "$scenario")
  if [ "${BENCH_LOADGEN:-java}" = node ]; then
    [ "$scenario" = fanout ] || die "BENCH_LOADGEN=node runs the fanout scenario only"
    loadgen=(node "$here/node/fanout.mjs")
  fi
  pin "$CLIENT_CPU" "${loadgen[@]}" --target "$t" \
    --port "$port" --publish-endpoint "$publish_endpoint" --server-cpu "$SERVER_CPU" --client-cpu "$CLIENT_CPU" \
    "${pids[@]}" "${engage[@]}" --out "$out" "$@" "${extra[@]}" || rc=$?
  # Records the run made on every topic (internal ones included): log end offsets, transaction
  # markers counted (they take offsets and broker work too).
  if [ "$scenario" = votes ] || [ "$scenario" = reactions ]; then
    topic_offsets "$engage_bootstrap" >"$results/$name-offsets.txt" || log "could not read topic end offsets"
  fi
  if [ ${#profile[@]} -gt 0 ]; then
    # Collapsed stacks (for tables of hot frames) and a flame graph of the same samples.
    jcmd "${profile[0]}" JVMTI.agent_load "${profile[1]}" "\"dump,file=$results/$name-profile.collapsed\"" >/dev/null || true
    jcmd "${profile[0]}" JVMTI.agent_load "${profile[1]}" "\"stop,file=$results/$name-profile.html\"" >/dev/null || true
    log "profile: $results/$name-profile.html and .collapsed"
  fi
  stop_servers
  [ $rc -eq 0 ] || log "$scenario on $t ended with status $rc (see $out)"
}

# 10,000 participants are 10,000 sockets in the load generator and in the gateway: open files up to
# the hard limit (20,000 here).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
need_loadgen
for t in "${targets[@]}"; do
  case "$t" in chorus|socketio|nchan) ;; *) die "unknown target $t" ;; esac
  # Each run in a subshell with its own clean-up: a server that fails to start ends that run only.
  if [ "$scenario" = fanout ] && ! has_opt --subscribers && ! has_opt --payload; then
    for n in 1000 10000; do
      for p in 64 1024; do
        (trap cleanup EXIT; run_one "$t" "fanout-$t-n$n-p$p" --subscribers "$n" --payload "$p") \
          || log "fanout on $t (N=$n, $p B) failed; going on"
      done
    done
  else
    (trap cleanup EXIT; run_one "$t" "$scenario-$t") || log "$scenario on $t failed; going on"
  fi
done
if [ "$scenario" != votes ] && [ "$scenario" != reactions ] && [ "${BENCH_LOADGEN:-java}" != node ] && [ -x "$here/charts.sh" ] && { command -v gnuplot >/dev/null || apt_install gnuplot-nox; }; then
  "$here/charts.sh" || log "charts failed"
fi
exit
}
