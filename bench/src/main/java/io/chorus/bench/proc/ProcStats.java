package io.chorus.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code /proc} for one process. CPU is in clock ticks (USER_HZ, 100 on Linux x86-64). */
public final class ProcStats {

    /** USER_HZ; {@code getconf CLK_TCK} says 100 on every Linux x86-64 build. */
    public static final long TICKS_PER_SECOND = Long.getLong("bench.clkTck", 100);

    private ProcStats() {
    }

    /** utime + stime of the whole process (all threads), in ticks; -1 when the process is gone. */
    public static long cpuTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name may contain spaces: fields start after the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The kB fields of {@code /proc/PID/status} that matter here (VmRSS, VmHWM, RssAnon, Threads…). */
    public static Map<String, Long> status(long pid) {
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon);
                if (key.equals("VmRSS") || key.equals("VmHWM") || key.equals("RssAnon") || key.equals("RssFile")
                        || key.equals("RssShmem") || key.equals("Threads")) {
                    m.put(key, Long.parseLong(line.substring(colon + 1).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone: empty
        }
        return m;
    }

    public static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
