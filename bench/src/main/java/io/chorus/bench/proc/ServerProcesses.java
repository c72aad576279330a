package io.chorus.bench.proc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named server processes of a run (for example {@code gateway}, {@code broker}, {@code node},
 * {@code redis}, {@code nginx-worker}), plus the load generator itself as {@code loadgen}.
 */
public final class ServerProcesses {

    private final Map<String, Long> pids;

    public ServerProcesses(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
    }

    public Map<String, Long> pids() {
        return pids;
    }

    /** CPU ticks of every server process and of this process. */
    public Map<String, Long> cpuTicks() {
        Map<String, Long> m = new LinkedHashMap<>();
        pids.forEach((name, pid) -> m.put(name, ProcStats.cpuTicks(pid)));
        // The load generator with its client worker processes, if any.
        long self = ProcStats.cpuTicks(ProcessHandle.current().pid());
        for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
            self += Math.max(0, ProcStats.cpuTicks(child.pid()));
        }
        m.put("loadgen", self);
        return m;
    }

    public Map<String, Map<String, Long>> memory() {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        pids.forEach((name, pid) -> m.put(name, ProcStats.status(pid)));
        return m;
    }

    /** Whether every server process is still there. */
    public String missing() {
        for (var e : pids.entrySet()) {
            if (ProcStats.cpuTicks(e.getValue()) < 0) {
                return e.getKey() + " (pid " + e.getValue() + ")";
            }
        }
        return null;
    }
}
