package io.chorus.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.SortedSet;

/**
 * Per-core busy and steal time from {@code /proc/stat}, in ticks. Other work on the machine (other
 * people's builds and tests, the hypervisor's steal) shows up as core time that none of the measured
 * processes used, so every result states it next to the figures it could have disturbed.
 */
public final class CoreStats {

    private CoreStats() {
    }

    /** For each core: {@code [busy, steal, total]} ticks since boot. */
    public static Map<String, long[]> sample() {
        Map<String, long[]> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                long user = Long.parseLong(f[1]);
                long nice = Long.parseLong(f[2]);
                long system = Long.parseLong(f[3]);
                long idle = Long.parseLong(f[4]);
                long iowait = Long.parseLong(f[5]);
                long irq = Long.parseLong(f[6]);
                long softirq = Long.parseLong(f[7]);
                long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
                long busy = user + nice + system + irq + softirq;
                m.put(f[0], new long[] {busy, steal, busy + steal + idle + iowait});
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing to say
        }
        return m;
    }

    /** Busy and steal share of each core between two samples, in percent. */
    public static Map<String, Object> between(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, Object> m = new LinkedHashMap<>();
        after.forEach((cpu, a) -> {
            long[] b = before.get(cpu);
            if (b == null) {
                return;
            }
            double total = Math.max(1, a[2] - b[2]);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("busyPercent", Math.round(1000 * (a[0] - b[0]) / total) / 10.0);
            e.put("stealPercent", Math.round(1000 * (a[1] - b[1]) / total) / 10.0);
            m.put(cpu, e);
        });
        return m;
    }

    /**
     * Waits, at most {@code maxSeconds}, until the whole machine was at most {@code percent} busy over
     * a 2-second sample.
     * Returns the seconds waited.
     */
    public static double awaitQuiet(double percent, double maxSeconds) {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1e9 < maxSeconds) {
            Map<String, long[]> a = sample();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Map<String, long[]> b = sample();
            long busy = 0;
            long total = 0;
            for (var e : b.entrySet()) {
                long[] x = a.get(e.getKey());
                if (x != null) {
                    busy += e.getValue()[0] - x[0];
                    total += e.getValue()[2] - x[2];
                }
            }
            if (total > 0 && 100.0 * busy / total <= percent) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * The cores of a {@code taskset -c} list such as {@code 0}, {@code 0,1} or {@code 0-1}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static SortedSet<Integer> cpuList(String list) {
        SortedSet<Integer> cores = new TreeSet<>();
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-", -1);
            if (range.length > 2 || !range[0].matches("\\d{1,4}") || (range.length == 2 && !range[1].matches("\\d{1,4}"))) {
                throw new IllegalArgumentException("not a CPU list (such as 0, 0,1 or 0-1): " + list);
            }
            int from = Integer.parseInt(range[0]);
            int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
            if (to < from) {
                throw new IllegalArgumentException("not a CPU list (such as 0, 0,1 or 0-1): " + list);
            }
            for (int c = from; c <= to; c++) {
                cores.add(c);
            }
        }
        return cores;
    }

    /**
     * Core time that neither the servers (on their cores) nor the load generator (on its cores) used:
     * other work on the machine during the window, in percent of a core. When the two share a core,
     * one figure for the cores of both ({@code serverAndClientCores}).
     */
    public static Map<String, Object> otherLoad(Map<String, Object> cores, SortedSet<Integer> serverCpus,
            SortedSet<Integer> clientCpus, double serverUse, double clientUse) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean shared = serverCpus.stream().anyMatch(clientCpus::contains);
        if (shared) {
            SortedSet<Integer> all = new TreeSet<>(serverCpus);
            all.addAll(clientCpus);
            putOther(m, "serverAndClientCores", cores, all, serverUse + clientUse);
        } else {
            putOther(m, "serverCore", cores, serverCpus, serverUse);
            putOther(m, "clientCore", cores, clientCpus, clientUse);
        }
        return m;
    }

    private static void putOther(Map<String, Object> m, String name, Map<String, Object> cores,
            SortedSet<Integer> cpus, double use) {
        double busy = 0;
        for (int c : cpus) {
            Object b = cores.get("cpu" + c) instanceof Map<?, ?> e ? e.get("busyPercent") : null;
            if (b == null) {
                return;
            }
            busy += ((Number) b).doubleValue();
        }
        m.put(name, Math.round(10 * Math.max(0, busy - use)) / 10.0);
    }

    /** The 1-minute load average. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
