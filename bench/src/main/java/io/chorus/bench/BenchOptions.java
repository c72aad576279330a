package io.chorus.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code --name value} command-line options, read with defaults. Every option read is remembered, with
 * the value used, so the result file states the exact parameters of the run.
 */
public final class BenchOptions {

    private final Map<String, List<String>> given = new LinkedHashMap<>();
    private final Map<String, Object> used = new TreeMap<>();

    public BenchOptions(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + a);
            }
            given.computeIfAbsent(a.substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
    }

    public String str(String name, String def) {
        List<String> v = given.get(name);
        String s = v == null ? def : v.get(v.size() - 1);
        used.put(name, s);
        return s;
    }

    public int integer(String name, int def) {
        int v = Integer.parseInt(str(name, Integer.toString(def)));
        used.put(name, v);
        return v;
    }

    public double number(String name, double def) {
        double v = Double.parseDouble(str(name, Double.toString(def)));
        used.put(name, v);
        return v;
    }

    public List<Double> numbers(String name, String def) {
        List<Double> out = new ArrayList<>();
        for (String s : str(name, def).split(",")) {
            if (!s.isBlank()) {
                out.add(Double.parseDouble(s.trim()));
            }
        }
        used.put(name, out);
        return out;
    }

    public List<String> all(String name) {
        List<String> v = given.getOrDefault(name, List.of());
        used.put(name, v);
        return v;
    }

    /** Options given but never read: most likely a typo. */
    public List<String> unread() {
        List<String> out = new ArrayList<>();
        for (String k : given.keySet()) {
            if (!used.containsKey(k)) {
                out.add(k);
            }
        }
        return out;
    }

    public Map<String, Object> used() {
        return used;
    }
}
