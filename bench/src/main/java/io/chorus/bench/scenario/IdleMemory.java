package io.chorus.bench.scenario;

import io.chorus.bench.BenchOptions;
import io.chorus.bench.load.ConnectReport;
import io.chorus.bench.load.Fleet;
import io.chorus.bench.proc.JvmProbe;
import io.chorus.bench.report.Report;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Idle memory: the server processes' memory before and after N idle connections with
 * {@code --per-conn} subscriptions each (two by default), and the growth per connection. RSS for
 * every process; for JVMs also heap used after a full GC and native memory by category (NMT).
 */
public final class IdleMemory {

    private IdleMemory() {
    }

    public static Report run(BenchOptions o) {
        Setup s = new Setup(o, "ws", 10_000, 200, 2, "bench:idle-", false, 200);
        double settle = o.number("settle", 10);
        int warm = o.integer("warmup-connections", Math.min(1000, Math.max(1, s.plan.count() / 10)));
        Report report = new Report("idle", s.target).put("setup", s.describe());
        // A first set of connections warms the server up (code, classes, pools, buffers) so that the
        // growth measured next is what each further connection costs.
        try (Fleet warmup = new io.chorus.bench.load.LocalFleet(s.plan.slice(s.plan.count(), warm))) {
            ConnectReport wr = warmup.connect(false, Duration.ofSeconds(o.integer("connect-timeout", 180)));
            report.put("warmupConnect", wr);
            Setup.log("warm-up connections: %s", wr);
            Setup.sleep(2);
            run(o, s, settle, report);
        }
        return report;
    }

    private static void run(BenchOptions o, Setup s, double settle, Report report) {
        Map<Long, Map<String, long[]>> classesBefore = new java.util.HashMap<>();
        s.servers.pids().values().stream().filter(JvmProbe::isJvm)
                .forEach(pid -> classesBefore.put(pid, JvmProbe.classHistogram(pid)));
        Map<String, Object> before = snapshot(s);
        report.put("before", before);
        try (Fleet fleet = s.fleet()) {
            Setup.log("opening %d idle connections, %d subscriptions each", s.plan.count(), s.plan.perConn());
            ConnectReport cr = fleet.connect(false, Duration.ofSeconds(o.integer("connect-timeout", 180)));
            report.put("connect", cr);
            Setup.log("connected: %s; settling %.0f s", cr, settle);
            Setup.sleep(settle);
            Map<String, Object> after = snapshot(s);
            report.put("after", after);
            report.put("perConnection", perConnection(before, after, cr.ready()));
            // What the heap holds per connection, by class: where the bytes above go.
            Map<String, Object> byClass = new LinkedHashMap<>();
            s.servers.pids().forEach((name, pid) -> {
                if (classesBefore.containsKey(pid)) {
                    byClass.put(name, JvmProbe.growth(classesBefore.get(pid), JvmProbe.classHistogram(pid),
                            Math.max(1, cr.ready()), 25));
                }
            });
            report.put("heapGrowthByClass", byClass);
            report.put("openAtEnd", fleet.counts().open());
            report.put("closeCodes", fleet.closeCodes());
            report.put("failureSamples", fleet.failureSamples());
        }
    }

    private static Map<String, Object> snapshot(Setup s) {
        Map<String, Object> m = new LinkedHashMap<>();
        s.servers.pids().forEach((name, pid) -> {
            Map<String, Long> p = new LinkedHashMap<>(io.chorus.bench.proc.ProcStats.status(pid));
            if (JvmProbe.isJvm(pid)) {
                p.putAll(JvmProbe.afterFullGc(pid));
                // RSS again: the full GC may have returned memory to the OS.
                p.put("VmRSSAfterGc", io.chorus.bench.proc.ProcStats.status(pid).getOrDefault("VmRSS", -1L));
            }
            m.put(name, p);
        });
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> perConnection(Map<String, Object> before, Map<String, Object> after, int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name : after.keySet()) {
            Map<String, Long> b = (Map<String, Long>) before.get(name);
            Map<String, Long> a = (Map<String, Long>) after.get(name);
            Map<String, Object> d = new LinkedHashMap<>();
            for (var e : a.entrySet()) {
                if (e.getKey().endsWith("Kb") || e.getKey().startsWith("Vm") || e.getKey().startsWith("Rss")) {
                    long delta = e.getValue() - b.getOrDefault(e.getKey(), 0L);
                    d.put(e.getKey().replace("Kb", "") + "BytesPerConnection", n == 0 ? null : delta * 1024 / n);
                }
            }
            m.put(name, d);
        }
        return m;
    }
}
