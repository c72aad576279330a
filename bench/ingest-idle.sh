#!/usr/bin/env bash
# What an idle ingest costs: a broker (`chorus-dev.jar kafka`) and ingest (`chorus-ingest.jar`) on
# SERVER_CPU; 20 commands through kcat (so its tasks have read something, as after any event), then a
# rest, then a window measured: Kafka Streams' commits in it (ingest's /metrics) and every thread's CPU
# ticks of both processes (bench/thread-ticks.py).
#
#   bench/ingest-idle.sh LABEL [rest s (60)] [window s (60)]
#
# Environment: CHORUS_DEV_JAR, CHORUS_INGEST_JAR (built jars with lib/ beside them; default: this
# checkout's), INGEST_JAVA_OPTS (-Xmx1g), BENCH_PORT_OFFSET, SERVER_CPU (0). Needs kcat.
# Result: bench/results/ingest-idle-LABEL.txt.
set -euo pipefail
{
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
label=${1:?label}
rest=${2:-60}
window=${3:-60}
o=${BENCH_PORT_OFFSET:-0}
kport=$((29392 + o)) cport=$((29393 + o)) hport=$((28381 + o))
dev=${CHORUS_DEV_JAR:-$root/dev/target/chorus-dev.jar}
ing=${CHORUS_INGEST_JAR:-$root/ingest/target/chorus-ingest.jar}
cpu=${SERVER_CPU:-0}
command -v kcat >/dev/null || { echo "kcat is needed (apt-get install kcat)" >&2; exit 1; }
scratch=$(mktemp -d /tmp/chorus-ingest-idle.XXXXXX)
pids=()
cleanup() {
  stop_pids "${pids[@]}"
  rm -rf "$scratch"
}
trap cleanup EXIT
log() { printf '[ingest-idle %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

mkdir -p "$scratch/broker" "$scratch/ingest"
# exec all the way down, so that $! is the JVM's own pid (thread-ticks reads /proc/PID/task).
(cd "$scratch/broker" && CHORUS_KAFKA_EMBEDDED_PORT=$kport CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=$cport \
  exec taskset -c "$cpu" java -Xmx1g -jar "$dev" kafka >"$scratch/broker.log" 2>&1) &
broker=$!
pids+=("$broker")
for _ in $(seq 1 480); do grep -q "Kafka is running" "$scratch/broker.log" && break; sleep 0.25; done
grep -q "Kafka is running" "$scratch/broker.log" || { log "the broker did not start: $scratch/broker.log"; exit 1; }
(cd "$scratch/ingest" && KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kport CHORUS_INGEST_KAFKA_CREATE_TOPICS=true \
  CHORUS_INGEST_KAFKA_STATE_DIR="$scratch/ingest/state" CHORUS_INGEST_ENGAGE_HTTP_HOST=127.0.0.1 \
  CHORUS_INGEST_ENGAGE_HTTP_PORT=$hport CHORUS_INGEST_ENGAGE_HMAC_SECRET=chorus-bench-hmac-secret-0123456789abcdef \
  CHORUS_INGEST_ENGAGE_ADMIN_KEY=chorus-bench-admin-key CHORUS_INGEST_ENGAGE_DEMO_URL=http://127.0.0.1:8080/ \
  CHORUS_INGEST_ENGAGE_TOPICS_CREATE=true \
  exec taskset -c "$cpu" java ${INGEST_JAVA_OPTS:--Xmx1g} -jar "$ing" >"$scratch/ingest.log" 2>&1) &
ingest=$!
pids+=("$ingest")
for _ in $(seq 1 480); do curl -fsS -o /dev/null "http://127.0.0.1:$hport/health/ready" 2>/dev/null && break; sleep 0.25; done
curl -fsS -o /dev/null "http://127.0.0.1:$hport/health/ready" || { log "ingest did not start: $scratch/ingest.log"; exit 1; }
# Joins to an event that does not exist: each is read, refused and answered.
for n in $(seq 1 20); do
  printf 'engage-in:IDLE01|{"type":"participant.join","name":"A"}\n' | kcat -P -b "127.0.0.1:$kport" \
    -t chorus.engage-in -K '|' -H "chorus-client=p-$n" -H "chorus-id=idle-$n"
done
log "20 commands sent; resting $rest s, then measuring $window s"
sleep "$rest"
commits() {
  curl -fsS "http://127.0.0.1:$hport/metrics" | awk '/^kafka_stream_thread_commit_total\{/ {s += $NF} END {print s + 0}'
}
c0=$(commits)
ticks=$("$here/thread-ticks.py" "$window" "$ingest" "$broker")
c1=$(commits)
out="$here/results/ingest-idle-$label.txt"
{
  echo "ingest $ingest, broker $broker; rest ${rest} s; window ${window} s"
  echo "Kafka Streams commits in the window: $(awk -v a="$c0" -v b="$c1" 'BEGIN {print b - a}')"
  echo "$ticks"
} >"$out"
cat "$out"
exit 0
}
