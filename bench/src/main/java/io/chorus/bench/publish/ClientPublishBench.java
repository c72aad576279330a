package io.chorus.bench.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.bench.proc.ProcStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Client publishes through the gateway, keyed (a client-chosen id, so the dedup path runs) and plain
 * (no id), side by side in one run: for each route (WebSocket, HTTP) the two kinds alternate, and the
 * whole set is repeated {@code --rounds} times, so a busy machine hits both alike. Closed loop:
 * {@code --lanes} publishes outstanding per pod, each lane sending its next on the answer. Per phase:
 * answers per second per pod, CPU per publish of every gateway process ({@code /proc}), latency, and
 * the load average when it ran.
 *
 * <pre>java -cp chorus-bench.jar:lib/* io.chorus.bench.publish.ClientPublishBench \
 *   --ports 28580,28581 --pids 111,222 [--broker-pid 333] [--lanes 64] [--duration 10] [--warmup 3]
 *   [--rounds 2] [--channels 8] [--out results/s7/x.json]</pre>
 */
public final class ClientPublishBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Phase(String route, boolean keyed) {
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)
            .setPreferNativeTransport(true));
    private final Map<String, String> opts;
    private final int[] ports;
    private final long[] pids;
    private final long brokerPid;
    private final int lanes;
    private final int channels;
    private final String ns = "bench" + Long.toString(System.nanoTime() % 1_000_000, 36);
    /** Part of every id: each phase's ids are new, so no keyed publish is answered as a duplicate. */
    private int phaseNumber;

    private ClientPublishBench(Map<String, String> opts) {
        this.opts = opts;
        this.ports = java.util.Arrays.stream(opts.get("ports").split(",")).mapToInt(Integer::parseInt).toArray();
        this.pids = java.util.Arrays.stream(opts.get("pids").split(",")).mapToLong(Long::parseLong).toArray();
        this.brokerPid = Long.parseLong(opts.getOrDefault("broker-pid", "-1"));
        this.lanes = Integer.parseInt(opts.getOrDefault("lanes", "64"));
        this.channels = Integer.parseInt(opts.getOrDefault("channels", "8"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        ObjectNode report = new ClientPublishBench(opts).run();
        Path out = Path.of(opts.getOrDefault("out", "results/s7/publish.json"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("wrote " + out.toAbsolutePath());
        System.exit(0);
    }

    private ObjectNode run() throws Exception {
        int duration = Integer.parseInt(opts.getOrDefault("duration", "10"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
        ObjectNode report = JSON.createObjectNode();
        report.put("label", opts.getOrDefault("label", ""));
        report.put("pods", ports.length);
        report.put("lanesPerPod", lanes);
        report.put("channels", channels);
        report.put("durationS", duration);
        ArrayNode phases = report.putArray("phases");
        // JIT warm-up of both paths before anything is measured.
        for (String route : List.of("ws", "http")) {
            for (boolean keyed : List.of(false, true)) {
                phase(new Phase(route, keyed), warmup, 0);
            }
        }
        for (int r = 1; r <= rounds; r++) {
            for (String route : List.of("ws", "http")) {
                for (boolean keyed : List.of(false, true)) {
                    ObjectNode p = phase(new Phase(route, keyed), warmup, duration);
                    p.put("round", r);
                    phases.add(p);
                    System.out.println(p);
                }
            }
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        return report;
    }

    /** One phase: lanes publish for warm-up + measured seconds; the measured window is reported. */
    private ObjectNode phase(Phase phase, int warmupS, int measureS) throws Exception {
        phaseNumber++;
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong[] ok = new AtomicLong[ports.length];
        AtomicLong errors = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        Map<String, AtomicLong> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
        Recorder latency = new Recorder(3);
        List<AutoCloseable> closers = new ArrayList<>();
        for (int p = 0; p < ports.length; p++) {
            ok[p] = new AtomicLong();
            Lane.Counts counts = new Lane.Counts(ok[p], duplicates, errors, errorKinds, latency, measuring, stop);
            if (phase.route.equals("ws")) {
                closers.add(wsLanes(ports[p], phase.keyed, counts, p));
            } else {
                closers.add(httpLanes(ports[p], phase.keyed, counts, p));
            }
        }
        Thread.sleep(warmupS * 1000L);
        ObjectNode out = JSON.createObjectNode();
        if (measureS > 0) {
            out.put("route", phase.route).put("kind", phase.keyed ? "keyed" : "plain");
            out.put("loadAverage1m", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            long[] ticks = new long[pids.length];
            for (int i = 0; i < pids.length; i++) {
                ticks[i] = ProcStats.cpuTicks(pids[i]);
            }
            long broker0 = brokerPid > 0 ? ProcStats.cpuTicks(brokerPid) : -1;
            long[] ok0 = new long[ports.length];
            for (int i = 0; i < ports.length; i++) {
                ok0[i] = ok[i].get();
            }
            long err0 = errors.get();
            long dup0 = duplicates.get();
            latency.reset();
            long t0 = System.nanoTime();
            measuring.set(true);
            Thread.sleep(measureS * 1000L);
            measuring.set(false);
            double secs = (System.nanoTime() - t0) / 1e9;
            long total = 0;
            ArrayNode perPod = out.putArray("perPodPerSecond");
            for (int i = 0; i < ports.length; i++) {
                long n = ok[i].get() - ok0[i];
                total += n;
                perPod.add(Math.round(n / secs));
            }
            double gatewayCpuS = 0;
            for (int i = 0; i < pids.length; i++) {
                gatewayCpuS += (ProcStats.cpuTicks(pids[i]) - ticks[i]) / (double) ProcStats.TICKS_PER_SECOND;
            }
            out.put("publishesPerSecond", Math.round(total / secs));
            out.put("publishesPerSecondPerPod", Math.round(total / secs / ports.length));
            out.put("gatewayCpuMsPerPublish", total == 0 ? -1 : round3(gatewayCpuS * 1000 / total));
            out.put("gatewayCoresBusy", round3(gatewayCpuS / secs));
            if (broker0 >= 0) {
                double b = (ProcStats.cpuTicks(brokerPid) - broker0) / (double) ProcStats.TICKS_PER_SECOND;
                out.put("brokerCpuMsPerPublish", total == 0 ? -1 : round3(b * 1000 / total));
            }
            var h = latency.getIntervalHistogram();
            out.put("latencyP50Ms", round3(h.getValueAtPercentile(50) / 1e6));
            out.put("latencyP99Ms", round3(h.getValueAtPercentile(99) / 1e6));
            out.put("errors", errors.get() - err0);
            out.put("duplicateAnswers", duplicates.get() - dup0);
            ObjectNode kinds = out.putObject("errorKinds");
            errorKinds.forEach((k, v) -> kinds.put(k, v.get()));
        }
        stop.set(true);
        for (AutoCloseable c : closers) {
            c.close();
        }
        return out;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private String channel(int lane) {
        return ns + ":c" + (lane % channels);
    }

    private AutoCloseable wsLanes(int port, boolean keyed, Lane.Counts counts, int pod) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        int sockets = Math.min(8, lanes);
        List<WebSocket> open = new ArrayList<>();
        for (int s = 0; s < sockets; s++) {
            WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI("/v1/ws")).await(30, TimeUnit.SECONDS);
            open.add(ws);
            Map<String, Lane> byRef = new java.util.concurrent.ConcurrentHashMap<>();
            ws.textMessageHandler(text -> {
                try {
                    JsonNode f = JSON.readTree(text);
                    Lane lane = byRef.get(f.path("ref").asText());
                    if (lane != null) {
                        boolean ack = "ack".equals(f.path("type").asText());
                        lane.answered(ack ? null : f.path("error").asText(), f.path("duplicate").asBoolean(false));
                    }
                } catch (Exception e) {
                    counts.errors().incrementAndGet();
                }
            });
            for (int l = s; l < lanes; l += sockets) {
                String ref = "p" + pod + "l" + l;
                String ch = channel(l);
                Lane lane = new Lane(counts, seq -> {
                    String id = keyed ? ",\"id\":\"" + ns + "-" + phaseNumber + "-" + pod + "-" + ref + "-" + seq + "\"" : "";
                    ws.writeTextMessage("{\"type\":\"publish\",\"ref\":\"" + ref + "\",\"channel\":\"" + ch + "\""
                            + id + ",\"data\":{\"v\":" + seq + "}}");
                });
                byRef.put(ref, lane);
                vertx.runOnContext(v -> lane.next());
            }
        }
        return () -> {
            for (WebSocket ws : open) {
                ws.close().await(10, TimeUnit.SECONDS);
            }
            client.close().await(10, TimeUnit.SECONDS);
        };
    }

    private AutoCloseable httpLanes(int port, boolean keyed, Lane.Counts counts, int pod) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(lanes));
        for (int l = 0; l < lanes; l++) {
            String ch = channel(l);
            String prefix = ns + "-" + phaseNumber + "-" + pod + "-h" + l + "-";
            Lane[] self = new Lane[1];
            self[0] = new Lane(counts, seq -> {
                RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                        .setURI("/v1/channels/" + ch + "/messages").putHeader("content-type", "application/json");
                if (keyed) {
                    o.putHeader("Idempotency-Key", prefix + seq);
                }
                client.request(o).compose(req -> req.send(Buffer.buffer("{\"data\":{\"v\":" + seq + "}}")))
                        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200 ? "\0dup"
                                : resp.statusCode() < 300 ? null
                                : b.toJsonObject().getString("error", "http" + resp.statusCode())))
                        .onComplete(ar -> {
                            String r = ar.succeeded() ? ar.result() : "io";
                            boolean dup = "\0dup".equals(r);
                            self[0].answered(dup ? null : r, dup);
                        });
            });
            vertx.runOnContext(v -> self[0].next());
        }
        return () -> client.close().await(10, TimeUnit.SECONDS);
    }

    /** One outstanding publish at a time: the next is sent when the answer comes (on the event loop). */
    static final class Lane {
        record Counts(AtomicLong ok, AtomicLong duplicates, AtomicLong errors, Map<String, AtomicLong> errorKinds, Recorder latency,
                      AtomicBoolean measuring, AtomicBoolean stop) {
        }

        private final Counts counts;
        private final java.util.function.LongConsumer send;
        private long seq;
        private long sentAt;

        Lane(Counts counts, java.util.function.LongConsumer send) {
            this.counts = counts;
            this.send = send;
        }

        void next() {
            if (counts.stop().get()) {
                return;
            }
            sentAt = System.nanoTime();
            send.accept(seq++);
        }

        void answered(String error, boolean duplicate) {
            if (error == null) {
                counts.ok().incrementAndGet();
                if (duplicate) {
                    counts.duplicates().incrementAndGet();
                }
                if (counts.measuring().get()) {
                    counts.latency().recordValue(System.nanoTime() - sentAt);
                }
            } else {
                counts.errors().incrementAndGet();
                counts.errorKinds().computeIfAbsent(error, k -> new AtomicLong()).incrementAndGet();
            }
            next();
        }
    }
}
