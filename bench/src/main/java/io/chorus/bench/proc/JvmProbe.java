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
        Matcher h = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        if (h.find()) {
            m.put("heapCommittedKb", Long.parseLong(h.group(1)));
            m.put("heapUsedKb", Long.parseLong(h.group(2)));
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
