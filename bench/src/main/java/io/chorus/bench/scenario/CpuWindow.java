package io.chorus.bench.scenario;

import io.chorus.bench.proc.ProcStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU used by each process between two samples: seconds, share of one core, and microseconds per
 * delivery. {@code server} sums every process except the load generator.
 */
final class CpuWindow {

    private CpuWindow() {
    }

    static Map<String, Object> between(Map<String, Long> before, Map<String, Long> after, double seconds,
                                       long deliveries) {
        Map<String, Object> m = new LinkedHashMap<>();
        long serverTicks = 0;
        for (var e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), e.getValue());
            if (!e.getKey().equals("loadgen")) {
                serverTicks += d;
            }
            m.put(e.getKey(), entry(d, seconds, deliveries));
        }
        m.put("server", entry(serverTicks, seconds, deliveries));
        return m;
    }

    private static Map<String, Object> entry(long ticks, double seconds, long deliveries) {
        double cpu = (double) ticks / ProcStats.TICKS_PER_SECOND;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("cpuSeconds", round(cpu, 2));
        e.put("corePercent", round(100 * cpu / seconds, 1));
        e.put("usPerDelivery", deliveries > 0 ? round(cpu * 1e6 / deliveries, 3) : null);
        return e;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
