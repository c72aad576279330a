package io.chorus.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns the result files of a folder into gnuplot inputs: one data file per chart and series
 * ({@code charts/<chart>.<series>.tsv}) and one script per chart ({@code charts/<chart>.gp}) that
 * writes {@code <chart>.png} beside the results. charts.sh runs gnuplot on them.
 * <ul>
 *   <li>{@code <scenario>-n<N>-p<bytes>-latency}: p50 and p99 against deliveries per second;</li>
 *   <li>{@code <scenario>-n<N>-p<bytes>-cpu}: server CPU microseconds per delivery against deliveries per second;</li>
 *   <li>{@code idle-memory}: bytes per idle connection, by server.</li>
 * </ul>
 */
public final class Charts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Charts() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "results");
        Path out = dir.resolve("charts");
        Files.createDirectories(out);
        Map<String, Map<String, List<double[]>>> sweeps = new TreeMap<>();
        Map<String, Long> idle = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode r = JSON.readTree(f.toFile());
                String scenario = r.path("scenario").asText();
                String target = r.path("target").asText();
                if (r.has("steps")) {
                    JsonNode plan = r.path("setup").path("plan");
                    String chart = (scenario.equals("sse") ? "fanout" : scenario) + "-n" + plan.path("subscribers").asInt()
                            + "-p" + r.path("options").path("payload").asInt()
                            + (scenario.equals("channels") ? "-c" + plan.path("channels").asInt() : "");
                    String series = scenario.equals("sse") ? "chorus-sse" : target;
                    List<double[]> rows = new ArrayList<>();
                    for (JsonNode s : r.path("steps")) {
                        JsonNode lat = s.path("latencyMs");
                        if (!lat.has("p99")) {
                            continue;
                        }
                        JsonNode cpu = s.path("cpu");
                        double first = cpu.path(target.equals("chorus") ? "gateway" : "server").path("usPerDelivery").asDouble(
                                cpu.path("server").path("usPerDelivery").asDouble());
                        rows.add(new double[] {s.path("deliveriesPerSecond").asDouble(), lat.path("p50").asDouble(),
                                lat.path("p99").asDouble(), lat.path("p999").asDouble(),
                                cpu.path("server").path("usPerDelivery").asDouble(), first});
                    }
                    sweeps.computeIfAbsent(chart, k -> new TreeMap<>()).put(series, rows);
                } else if (scenario.equals("idle") && r.has("perConnection")) {
                    // The process that holds the connections: the broker and Redis do not grow with them.
                    String main = switch (target) {
                        case "chorus" -> "gateway";
                        case "socketio" -> "node";
                        default -> "nginx-worker";
                    };
                    idle.put(target, r.path("perConnection").path(main).path("VmRSSBytesPerConnection").asLong());
                }
            }
        }
        for (var chart : sweeps.entrySet()) {
            writeSweep(dir, out, chart.getKey(), chart.getValue());
        }
        if (!idle.isEmpty()) {
            writeIdle(dir, out, idle);
        }
        System.out.println("chart inputs in " + out);
    }

    private static void writeSweep(Path dir, Path out, String chart, Map<String, List<double[]>> series)
            throws IOException {
        StringBuilder lat = new StringBuilder(header(dir, chart + "-latency", "deliveries per second",
                "latency (ms, log scale)"));
        lat.append("set logscale y\n");
        StringBuilder cpu = new StringBuilder(header(dir, chart + "-cpu", "deliveries per second",
                "server CPU per delivery (µs)"));
        List<String> latPlots = new ArrayList<>();
        List<String> cpuPlots = new ArrayList<>();
        int color = 1;
        for (var s : series.entrySet()) {
            Path tsv = out.resolve(chart + "." + s.getKey() + ".tsv");
            StringBuilder rows = new StringBuilder("# deliveries/s\tp50\tp99\tp999\tserverUs\tmainProcessUs\n");
            for (double[] r : s.getValue()) {
                rows.append(String.format("%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f%n", r[0], r[1], r[2], r[3], r[4], r[5]));
            }
            Files.writeString(tsv, rows);
            String f = "'" + tsv.toAbsolutePath() + "'";
            latPlots.add(f + " using 1:3 with linespoints lc " + color + " lw 2 pt 7 title '" + s.getKey() + " p99'");
            latPlots.add(f + " using 1:2 with linespoints lc " + color + " dt 2 pt 6 title '" + s.getKey() + " p50'");
            if (s.getKey().equals("chorus") || s.getKey().equals("chorus-sse")) {
                cpuPlots.add(f + " using 1:6 with linespoints lc " + color + " lw 2 pt 7 title '" + s.getKey()
                        + " gateway'");
                cpuPlots.add(f + " using 1:5 with linespoints lc " + color + " dt 2 pt 6 title '" + s.getKey()
                        + " gateway + broker'");
            } else {
                cpuPlots.add(f + " using 1:5 with linespoints lc " + color + " lw 2 pt 7 title '" + s.getKey() + "'");
            }
            color++;
        }
        lat.append("plot ").append(String.join(", \\\n     ", latPlots)).append('\n');
        cpu.append("set yrange [0:*]\nset key top right\nplot ").append(String.join(", \\\n     ", cpuPlots)).append('\n');
        Files.writeString(out.resolve(chart + "-latency.gp"), lat);
        Files.writeString(out.resolve(chart + "-cpu.gp"), cpu);
    }

    private static void writeIdle(Path dir, Path out, Map<String, Long> idle) throws IOException {
        Path tsv = out.resolve("idle-memory.tsv");
        StringBuilder rows = new StringBuilder("# server\tRSS bytes per connection\n");
        idle.forEach((k, v) -> rows.append(k).append('\t').append(v).append('\n'));
        Files.writeString(tsv, rows);
        String gp = header(dir, "idle-memory", "", "RSS growth per idle connection (bytes)")
                + "set style fill solid 0.6\nset boxwidth 0.6\nset yrange [0:*]\nunset key\n"
                + "plot '" + tsv.toAbsolutePath() + "' using 0:2:xtic(1) with boxes lc 1, '' using 0:2:2 with labels offset 0,1\n";
        Files.writeString(out.resolve("idle-memory.gp"), gp);
    }

    private static String header(Path dir, String name, String x, String y) {
        return "set terminal pngcairo size 900,540 font 'DejaVu Sans,11'\n"
                + "set output '" + dir.toAbsolutePath().resolve(name + ".png") + "'\n"
                + "set title '" + name + "'\nset xlabel '" + x + "'\nset ylabel '" + y + "'\n"
                + "set grid\nset key top left\nset format x '%.0s%c'\n";
    }

}
