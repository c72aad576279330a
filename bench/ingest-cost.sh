#!/usr/bin/env bash
# Ingest's CPU per vote without the gateway: a broker (`chorus-dev.jar kafka`) and ingest
# (`chorus-ingest.jar`) on SERVER_CPU, and io.chorus.bench.engage.IngestCost on CLIENT_CPU writing votes
# to chorus.engage-in as the gateway does, paced, then reading ingest's and the broker's CPU per vote.
#
#   bench/ingest-cost.sh LABEL [participants] [rate] [warmup s] [measured s] [measured rate]
#
# Environment: CHORUS_DEV_JAR, CHORUS_INGEST_JAR (built jars with lib/ beside them; default: this
# checkout's), INGEST_JAVA_OPTS (-Xmx2g), INGEST_CONFIG (a YAML file for ingest), BENCH_PORT_OFFSET,
# SERVER_CPU (0), CLIENT_CPU (1), BENCH_PROFILE=1 (async-profiler in ingest for the run: results/ingest-cost-LABEL.collapsed;
# BENCH_PROFILE_DELAY=S from S seconds in, BENCH_PROFILE_EVENT=wall for waiting threads too).
# Result: one JSON line in bench/results/ingest-cost-LABEL.json.
set -euo pipefail
{
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
label=${1:?label}; shift
o=${BENCH_PORT_OFFSET:-0}
kport=$((29292 + o)) cport=$((29293 + o)) hport=$((28281 + o))
dev=${CHORUS_DEV_JAR:-$root/dev/target/chorus-dev.jar}
ing=${CHORUS_INGEST_JAR:-$root/ingest/target/chorus-ingest.jar}
scratch=$(mktemp -d /tmp/chorus-ingest-cost.XXXXXX)
pids=()
cleanup() {
  stop_pids "${pids[@]}"
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$scratch"
}
trap cleanup EXIT
mkdir -p "$scratch/broker" "$scratch/ingest"
(cd "$scratch/broker" && exec env CHORUS_KAFKA_EMBEDDED_PORT=$kport CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=$cport \
  taskset -c "${SERVER_CPU:-0}" java -Xmx1g -jar "$dev" kafka >"$scratch/broker.log" 2>&1) &
broker=$!; pids+=("$broker")
for attempt in 1 2 3 4 5 6 7 8; do
  (cd "$scratch/ingest" && exec env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kport CHORUS_INGEST_KAFKA_CREATE_TOPICS=true \
    CHORUS_INGEST_KAFKA_STATE_DIR="$scratch/ingest/state" CHORUS_INGEST_ENGAGE_HTTP_HOST=127.0.0.1 \
    CHORUS_INGEST_ENGAGE_HTTP_PORT=$hport \
    taskset -c "${SERVER_CPU:-0}" java ${INGEST_JAVA_OPTS:--Xmx2g} -jar "$ing" ${INGEST_CONFIG:+--config "$INGEST_CONFIG"} \
    >>"$scratch/ingest.log" 2>&1) &
  ingest=$!; pids+=("$ingest")
  up=""
  for _ in $(seq 1 480); do
    curl -fsS -o /dev/null "http://127.0.0.1:$hport/health/ready" 2>/dev/null && { up=1; break; }
    kill -0 "$ingest" 2>/dev/null || break
    sleep 0.25
  done
  [ -n "$up" ] && break
  sleep 2
done
[ -n "$up" ] || { echo "ingest did not start (logs in $scratch)" >&2; BENCH_KEEP=1; exit 1; }
mkdir -p "$here/results"
if [ -n "${BENCH_PROFILE:-}" ]; then
  # async-profiler in ingest for the whole run (collapsed stacks; keep the StreamThread's to skip the JIT).
  lib=$(find ~/.m2/repository/tools/profiler/async-profiler/4.1 -name 'async-profiler-4.1*.jar' | head -1)
  mkdir -p "$scratch/ap" && (cd "$scratch/ap" && unzip -o -q "$lib" 'linux-x64/*')
  # BENCH_PROFILE_DELAY=S starts it S seconds into the run (the measured burst after a warm-up);
  # BENCH_PROFILE_EVENT=wall samples waiting threads too, per thread.
  (sleep "${BENCH_PROFILE_DELAY:-0}"
   jcmd "$ingest" JVMTI.agent_load "$scratch/ap/linux-x64/libasyncProfiler.so" \
     "\"start,event=${BENCH_PROFILE_EVENT:-cpu},interval=1ms${BENCH_PROFILE_EVENT:+,threads}\"" >/dev/null) &
fi
taskset -c "${CLIENT_CPU:-1}" java -cp "$here/target/chorus-bench.jar:$here/target/lib/*" io.chorus.bench.engage.IngestCost \
  127.0.0.1:$kport "$ingest" "$broker" "$@" | tee "$here/results/ingest-cost-$label.json"
if [ -n "${BENCH_PROFILE:-}" ]; then
  jcmd "$ingest" JVMTI.agent_load "$scratch/ap/linux-x64/libasyncProfiler.so" "\"stop,file=$here/results/ingest-cost-$label.collapsed\"" >/dev/null
fi
}
