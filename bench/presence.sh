#!/usr/bin/env bash
# Presence across two pods: a broker and two gateways on spare ports (29392, 28580, 28581), then
# PresenceBench (N members enter through pod A in waves, a watcher on pod B); everything stops at the end.
#   bench/presence.sh [MEMBERS=500] [WAVE=50]      PRESENCE_ENV="CHORUS_PRESENCE_FLUSH_INTERVAL=20ms" to vary the config
# Needs the gateway jar (./chorus dev builds it) and the bench jar (mvn -q package -DskipTests in bench/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/gateway/target/chorus-gateway.jar
work=$(mktemp -d /tmp/presence-bench.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
export CHORUS_KAFKA_EMBEDDED_PORT=29392 CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=29393 CHORUS_KAFKA_EMBEDDED_DATA_DIR=$work/kafka
(cd $work && exec java -jar $jar kafka > $work/broker.log 2>&1) & pids+=($!)
for i in $(seq 1 60); do grep -q 'Kafka is running' $work/broker.log && break; sleep 1; done
common=(env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29392 CHORUS_NAMESPACES_ALLOW_ANY=true CHORUS_KAFKA_CREATE_TOPICS=true
  CHORUS_AUTH_ANONYMOUS=true CHORUS_HTTP_HOST=127.0.0.1 CHORUS_LIMITS_NEW_CONNECTIONS_PER_IP_PER_SECOND=100000
  CHORUS_LIMITS_NEW_CONNECTIONS_PER_SECOND=100000 ${PRESENCE_ENV:-})
(cd $work && exec "${common[@]}" CHORUS_HTTP_PORT=28580 java -jar $jar serve > $work/a.log 2>&1) & pids+=($!)
(cd $work && exec "${common[@]}" CHORUS_HTTP_PORT=28581 java -jar $jar serve > $work/b.log 2>&1) & pids+=($!)
for port in 28580 28581; do
  for i in $(seq 1 60); do curl -sf localhost:$port/health/ready >/dev/null && break; sleep 1; done
done
java -cp "$root/bench/target/chorus-bench.jar:$root/bench/target/lib/*" io.chorus.bench.presence.PresenceBench \
  ws://127.0.0.1:28580/v1/ws ws://127.0.0.1:28581/v1/ws "${1:-500}" "${2:-50}"
curl -s localhost:28580/metrics | grep -E '^chorus_presence_(records|events|requests)' || true
