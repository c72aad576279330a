package io.chorus.bench.scenario;

import io.chorus.bench.BenchOptions;
import io.chorus.bench.load.Fleet;
import io.chorus.bench.load.LocalFleet;
import io.chorus.bench.load.Plan;
import io.chorus.bench.load.ProcessFleet;
import io.chorus.bench.proc.CoreStats;
import io.chorus.bench.proc.ServerProcesses;
import io.chorus.bench.publish.PublishTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The options every scenario shares, read once: the target and its endpoints, the subscribers, the
 * server processes to measure ({@code --pid name=PID}, repeatable), and how to spread the clients.
 */
public final class Setup {

    final BenchOptions o;
    final String target;
    final String transport;
    final Plan plan;
    final PublishTarget publishTarget;
    final ServerProcesses servers;
    final int processes;
    final long epoch = System.nanoTime();
    final SortedSet<Integer> serverCpu;
    final SortedSet<Integer> clientCpu;

    Setup(BenchOptions o, String transport, int defaultSubscribers, int defaultChannels, int defaultPerConn,
          String defaultPrefix, boolean trackPositions, int defaultConcurrency) {
        this.o = o;
        this.target = o.str("target", "chorus");
        this.transport = transport;
        String host = o.str("host", "127.0.0.1");
        int port = o.integer("port", switch (target) {
            case "socketio" -> 28300;
            case "nchan" -> 28400;
            default -> 28080;
        });
        int subscribers = o.integer("subscribers", defaultSubscribers);
        int channels = o.integer("channels", defaultChannels);
        int perConn = o.integer("per-conn", defaultPerConn);
        String prefix = o.str("prefix", defaultPrefix);
        int sources = o.integer("source-addresses", Math.max(1, (subscribers + 24_999) / 25_000));
        List<String> addresses = new ArrayList<>();
        for (int i = 0; sources > 1 && i < sources; i++) {
            addresses.add("127.0.0." + (i + 1));
        }
        int maxPerProcess = o.integer("max-per-process", 15_000);
        this.processes = o.integer("processes", Math.max(1, (subscribers + maxPerProcess - 1) / maxPerProcess));
        this.plan = new Plan(target, transport, host, port, 0, subscribers, channels, perConn, prefix, addresses,
                o.integer("event-loops", 1), o.integer("connect-concurrency", defaultConcurrency), trackPositions,
                epoch);
        String endpoint = o.str("publish-endpoint", switch (target) {
            case "socketio" -> "127.0.0.1:28379";
            case "nchan" -> host + ":" + port;
            default -> "127.0.0.1:29092";
        });
        this.publishTarget = new PublishTarget(target, endpoint, prefix, channels, o.integer("payload", 64),
                o.integer("linger-ms", 0), o.integer("partitions", 8));
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String p : o.all("pid")) {
            int eq = p.indexOf('=');
            pids.put(p.substring(0, eq), Long.parseLong(p.substring(eq + 1)));
        }
        this.servers = new ServerProcesses(pids);
        this.serverCpu = CoreStats.cpuList(o.str("server-cpu", "0"));
        this.clientCpu = CoreStats.cpuList(o.str("client-cpu", "1"));
    }

    Fleet fleet() {
        if (processes <= 1) {
            LocalFleet f = new LocalFleet(plan);
            log("subscribers in this process, native transport: %s", f.nativeTransport());
            return f;
        }
        log("subscribers spread over %d worker processes", processes);
        return new ProcessFleet(plan, processes);
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transport", transport);
        m.put("plan", Map.of("subscribers", plan.count(), "channels", plan.channels(), "subscriptionsPerConnection",
                plan.perConn(), "channelPrefix", plan.prefix(), "sourceAddresses", plan.sourceAddresses(),
                "eventLoops", plan.eventLoops(), "clientProcesses", processes));
        m.put("serverPids", servers.pids());
        return m;
    }

    static void log(String format, Object... args) {
        System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
        System.out.flush();
    }

    static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
