package io.chorus.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Dockerfile read the way the builder reads it, for what the image tests check without Docker:
 * instructions (continuations joined, comments dropped), ENV as a map, and exec-form arrays.
 */
record Dockerfile(Path file, List<Instruction> instructions) {

    record Instruction(String keyword, String args) {
    }

    static Dockerfile read(Path file) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String t = raw.strip();
            if (t.startsWith("#") || (t.isEmpty() && line.length() == 0)) {
                continue;
            }
            if (t.endsWith("\\")) {
                line.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            line.append(t);
            String text = line.toString().strip();
            line.setLength(0);
            if (!text.isEmpty()) {
                int space = text.indexOf(' ');
                out.add(new Instruction(text.substring(0, space).toUpperCase(java.util.Locale.ROOT),
                        text.substring(space + 1).strip()));
            }
        }
        return new Dockerfile(file, out);
    }

    List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
    }

    /** The last instruction of a kind (the one that counts for USER, ENTRYPOINT, CMD, WORKDIR). */
    String last(String keyword) {
        List<String> all = all(keyword);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Every ENV's KEY=VALUE pairs, double quotes removed. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String args : all("ENV")) {
            for (String pair : words(args)) {
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException(file + ": ENV without KEY=VALUE: " + args);
                }
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }

    /** An exec-form array (["a", "b"]) as its strings; null when the instruction is in shell form. */
    static List<String> execForm(String args) {
        if (args == null || !args.startsWith("[") || !args.endsWith("]")) {
            return null;
        }
        try {
            List<String> list = new ArrayList<>();
            Chart.YAML.readTree(args).forEach(n -> list.add(n.asText()));
            return list;
        } catch (IOException e) {
            return null;
        }
    }

    /** Space-separated words, a double-quoted part kept whole (quotes dropped). */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (w.length() > 0) {
                    out.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(c);
            }
        }
        if (w.length() > 0) {
            out.add(w.toString());
        }
        return out;
    }
}
