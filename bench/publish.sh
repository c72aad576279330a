#!/usr/bin/env bash
# Client publishes, keyed (client-chosen id: the dedup path) against plain (no id), side by side in one
# run, over WebSocket and HTTP, with 1 and 2 gateway pods: a broker (`chorus-dev.jar kafka`) and the
# pods on spare ports, then ClientPublishBench; everything stops at the end.
#
#   bench/publish.sh LABEL [PODS="1 2"]        results: bench/results/s7/publish-LABEL-<pods>pod.json
#
# Environment:
#   CHORUS_GATEWAY_JAR   a built chorus-gateway.jar with lib/ beside it (default: gateway/target's)
#   CHORUS_DEV_JAR       a built chorus-dev.jar with lib/ beside it, for the broker (default: dev/target's)
#   PUBLISH_OPTS         more load generator options, e.g. "--lanes 64 --duration 10 --rounds 2"
#   PUBLISH_SCENARIO     rates (default: ClientPublishBench) or storm (KeyedVoteStorm: 10,000 clients
#                        each publish one keyed vote within 1 s, 20 % retried on the other pod; results
#                        bench/results/s18/vote-storm-LABEL-<pods>pod.json)
#   BENCH_PORT_OFFSET    added to every port (two checkouts at once)
# Build first (never `mvn install`): mvn -q -o -pl gateway,dev,bench -am package -DskipTests
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
label=${1:?usage: publish.sh LABEL [PODS]}
pods_list=${2:-"1 2"}
gwjar=${CHORUS_GATEWAY_JAR:-$root/gateway/target/chorus-gateway.jar}
devjar=${CHORUS_DEV_JAR:-$root/dev/target/chorus-dev.jar}
o=${BENCH_PORT_OFFSET:-0}
kport=$((29492 + o)) kctl=$((29493 + o)) ports=($((28680 + o)) $((28681 + o)))
out=$root/bench/results/s7
mkdir -p "$out"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

for pods in $pods_list; do
  work=$(mktemp -d /tmp/publish-bench.XXXX)
  (cd "$work" && exec env CHORUS_KAFKA_EMBEDDED_PORT=$kport CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT=$kctl \
    CHORUS_KAFKA_EMBEDDED_DATA_DIR="$work/kafka" java -Xmx1g -jar "$devjar" kafka > "$work/broker.log" 2>&1) &
  broker=$!
  pids+=($broker)
  for _ in $(seq 1 120); do grep -q 'Kafka is running' "$work/broker.log" && break; sleep 1; done
  grep -q 'Kafka is running' "$work/broker.log" || { echo "broker did not start (see $work)"; exit 1; }
  gw=()
  for i in $(seq 0 $((pods - 1))); do
    (cd "$work" && exec env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$kport CHORUS_NAMESPACES_ALLOW_ANY=true \
      CHORUS_KAFKA_CREATE_TOPICS=true CHORUS_AUTH_ANONYMOUS=true CHORUS_HTTP_HOST=127.0.0.1 \
      CHORUS_HTTP_PORT=${ports[$i]} CHORUS_LIMITS_PUBLISHES_PER_SECOND=1000000 \
      CHORUS_LIMITS_PUBLISHES_PER_CLIENT_PER_SECOND=1000000 CHORUS_LIMITS_NEW_CONNECTIONS_PER_IP_PER_SECOND=100000 \
      CHORUS_LIMITS_NEW_CONNECTIONS_PER_SECOND=100000 \
      java -Xmx2g -jar "$gwjar" serve > "$work/gateway-$i.log" 2>&1) &
    gw+=($!)
    pids+=($!)
  done
  for i in $(seq 0 $((pods - 1))); do
    for _ in $(seq 1 120); do curl -sf "127.0.0.1:${ports[$i]}/health/ready" >/dev/null && break; sleep 1; done
  done
  portlist=$(IFS=,; echo "${ports[*]:0:$pods}")
  pidlist=$(IFS=,; echo "${gw[*]}")
  if [ "${PUBLISH_SCENARIO:-rates}" = storm ]; then
    mkdir -p "$root/bench/results/s18"
    # shellcheck disable=SC2086
    java -Xmx2g -cp "$root/bench/target/chorus-bench.jar:$root/bench/target/lib/*" \
      io.chorus.bench.publish.KeyedVoteStorm --ports "$portlist" --bootstrap 127.0.0.1:$kport \
      --out "$root/bench/results/s18/vote-storm-$label-${pods}pod.json" ${PUBLISH_OPTS:-}
    cleanup
    pids=()
    continue
  fi
  # shellcheck disable=SC2086
  java -Xmx1g -cp "$root/bench/target/chorus-bench.jar:$root/bench/target/lib/*" \
    io.chorus.bench.publish.ClientPublishBench --ports "$portlist" --pids "$pidlist" --broker-pid "$broker" \
    --label "$label" --out "$out/publish-$label-${pods}pod.json" ${PUBLISH_OPTS:-}
  for i in $(seq 0 $((pods - 1))); do
    curl -s "127.0.0.1:${ports[$i]}/metrics" | grep -E '^chorus_(publishes_total|records_skipped_total\{reason="repeat")' \
      > "$out/publish-$label-${pods}pod-metrics-$i.txt" || true
  done
  cleanup
  pids=()
  rm -rf "$work"
done
