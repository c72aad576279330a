package io.chorus.bench.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's memory through {@code jcmd}: a full GC ({@code GC.run}), then heap used and committed
 * ({@code GC.heap_info}), then committed native memory by category ({@code VM.native_memory summary},
 * when the JVM runs with {@code -XX:NativeMemoryTracking=summary}). Netty's direct buffers are
 * allocated with {@code Unsafe} and show up under "Other".
 */
public final class JvmProbe {

    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern NMT = Pattern.compile("-\\s+([A-Za-z ]+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    /** Native memory categories worth reporting per connection (Other holds Netty's direct buffers). */
    private static final java.util.Set<String> KEPT = java.util.Set.of("Java_Heap", "Other", "Thread", "Code",
            "Class", "Metaspace", "Arena_Chunk", "Internal");

    private JvmProbe() {
    }

    public static boolean isJvm(long pid) {
        return ProcStats.comm(pid).equals("java");
    }

    /** kB figures after a full GC; empty when jcmd is missing or the JVM does not answer. */
    public static Map<String, Long> afterFullGc(long pid) {
        Map<String, Long> m = new LinkedHashMap<>();
        jcmd(pid, "GC.run");
        // One line for G1 ("garbage-first heap total …, used …"), one per generation for Serial and
        // Parallel (a JVM pinned to one core picks Serial): the heap is their sum.
        Matcher h = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        long committed = 0;
        long used = 0;
        boolean found = false;
        while (h.find()) {
            found = true;
            committed += Long.parseLong(h.group(1));
            used += Long.parseLong(h.group(2));
        }
        if (found) {
            m.put("heapCommittedKb", committed);
            m.put("heapUsedKb", used);
        }
        String nmt = jcmd(pid, "VM.native_memory", "summary");
        Matcher t = TOTAL.matcher(nmt);
        if (t.find()) {
            m.put("nmtTotalCommittedKb", Long.parseLong(t.group(2)));
            Matcher c = NMT.matcher(nmt);
            while (c.find()) {
                String name = c.group(1).trim().replace(' ', '_');
                if (KEPT.contains(name)) {
                    m.put("nmt_" + name + "_committedKb", Long.parseLong(c.group(3)));
                }
            }
        }
        return m;
    }

    private static final Pattern CLASS_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

    /** Live objects by class ({@code GC.class_histogram}, after a full GC): {@code [instances, bytes]}. */
    public static Map<String, long[]> classHistogram(long pid) {
        Map<String, long[]> m = new LinkedHashMap<>();
        Matcher r = CLASS_ROW.matcher(jcmd(pid, "GC.class_histogram"));
        while (r.find()) {
            m.merge(r.group(3), new long[] {Long.parseLong(r.group(1)), Long.parseLong(r.group(2))},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        return m;
    }

    /** The classes whose live bytes grew most between two histograms, per connection. */
    public static java.util.List<Map<String, Object>> growth(Map<String, long[]> before, Map<String, long[]> after,
                                                            int connections, int top) {
        java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
        after.forEach((cls, a) -> {
            long[] b = before.getOrDefault(cls, new long[2]);
            long bytes = a[1] - b[1];
            if (bytes > 0) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("class", cls);
                row.put("bytesPerConnection", Math.round(10.0 * bytes / connections) / 10.0);
                row.put("instancesPerConnection", Math.round(100.0 * (a[0] - b[0]) / connections) / 100.0);
                rows.add(row);
            }
        });
        rows.sort((x, y) -> Double.compare((Double) y.get("bytesPerConnection"), (Double) x.get("bytesPerConnection")));
        return rows.subList(0, Math.min(top, rows.size()));
    }

    static String jcmd(long pid, String... command) {
        String[] cmd = new String[command.length + 2];
        cmd[0] = "jcmd";
        cmd[1] = Long.toString(pid);
        System.arraycopy(command, 0, cmd, 2, command.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(60, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
