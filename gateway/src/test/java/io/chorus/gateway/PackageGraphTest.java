package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages form a graph without cycles: wiring lives at the root, every arrow points
 * down to what a package uses, and data comes back up through small interfaces. Read from the compiled
 * classes by the JDK's own {@code jdeps}, so an import, a fully qualified name or a lambda all count.
 */
class PackageGraphTest {

    private static final String ROOT = "io.chorus.gateway";

    static Map<String, Set<String>> graph() {
        Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes), "run after compiling: " + classes.toAbsolutePath());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package",
                "-filter:none", classes.toString());
        assertEquals(0, rc, "jdeps failed");
        Map<String, Set<String>> g = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && "->".equals(f[1]) && f[0].startsWith(ROOT) && f[2].startsWith(ROOT)
                    && !f[0].equals(f[2])) {
                g.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
            }
        }
        return g;
    }

    @Test
    void thePackageGraphHasNoCycles() {
        Map<String, Set<String>> g = graph();
        assertTrue(g.size() > 5, "jdeps found the packages: " + g.keySet());
        List<List<String>> cycles = new ArrayList<>();
        Map<String, Integer> state = new TreeMap<>();
        for (String p : g.keySet()) {
            walk(p, g, state, new ArrayList<>(), cycles);
        }
        assertEquals(List.of(), cycles, "package cycles (each arrow: uses)");
    }

    /** Depth-first: 1 on the current path, 2 done; an edge back onto the path closes a cycle. */
    private static void walk(String p, Map<String, Set<String>> g, Map<String, Integer> state, List<String> path,
                             List<List<String>> cycles) {
        Integer s = state.get(p);
        if (s != null && s == 2) {
            return;
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(p), path.size()));
            cycle.add(p);
            cycles.add(cycle);
            return;
        }
        state.put(p, 1);
        path.add(p);
        for (String q : g.getOrDefault(p, Set.of())) {
            walk(q, g, state, path, cycles);
        }
        path.remove(path.size() - 1);
        state.put(p, 2);
    }
}
