package io.chorus.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Markdown tables from the result files of a folder, so that BENCHMARKS.md quotes the JSON rather than
 * hand-copied figures: {@code java -cp bench/target/chorus-bench.jar io.chorus.bench.report.Tables bench/results}.
 */
public final class Tables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Tables() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "results");
        List<JsonNode> results;
        try (Stream<Path> files = Files.list(dir)) {
            results = files.filter(p -> p.toString().endsWith(".json")).sorted().map(Tables::read).toList();
        }
        StringBuilder out = new StringBuilder();
        sweeps(out, results);
        idle(out, results);
        resume(out, results);
        System.out.print(out);
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sweeps(StringBuilder out, List<JsonNode> results) {
        for (String scenario : List.of("fanout", "channels", "sse")) {
            List<JsonNode> mine = new java.util.ArrayList<>(results.stream()
                    .filter(r -> r.has("steps") && r.path("scenario").asText().equals(scenario)).toList());
            if (mine.isEmpty()) {
                continue;
            }
            mine.sort(java.util.Comparator.<JsonNode>comparingInt(r -> r.path("setup").path("plan").path("subscribers").asInt())
                    .thenComparingInt(r -> r.path("options").path("payload").asInt())
                    .thenComparing(r -> r.path("target").asText()));
            out.append("#### ").append(scenario).append("\n\n");
            out.append("| target | N | channels | payload B | msg/s | deliveries/s | p50 ms | p99 ms | p99.9 ms "
                    + "| first delivery p50 / p99 ms | Kafka alone p50 / p99 ms | lost | dup | server µs/delivery "
                    + "| main process µs/delivery | server core % | load gen core % | other load % (server / client core) |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (JsonNode r : mine) {
                sweepRows(out, r);
            }
            out.append("\nA p99 in bold passed the sweep's bound (50 ms); \"lost\" counts deliveries still missing when the "
                    + "5 s drain ended.\n\n");
        }
    }

    private static void sweepRows(StringBuilder out, JsonNode r) {
        JsonNode plan = r.path("setup").path("plan");
        String target = r.path("target").asText();
        String main = target.equals("chorus") ? "gateway" : target.equals("socketio") ? "node" : "nginx-worker";
        for (JsonNode s : r.path("steps")) {
            JsonNode lat = s.path("latencyMs");
            JsonNode first = s.path("firstDeliveryLatencyMs");
            JsonNode floor = s.path("kafkaFloorLatencyMs");
            JsonNode cpu = s.path("cpu");
            out.append(String.format(Locale.ROOT,
                    "| %s | %,d | %,d | %d | %.0f | %,d | %s | %s | %s | %s / %s | %s | %d | %d | %s | %s | %.0f | %.0f | %s / %s |%n",
                    target, plan.path("subscribers").asInt(), plan.path("channels").asInt(),
                    r.path("options").path("payload").asInt(), s.path("publishedPerSecond").asDouble(),
                    s.path("deliveriesPerSecond").asLong(), num(lat, "p50"),
                    s.path("withinBounds").asBoolean(true) ? num(lat, "p99") : "**" + num(lat, "p99") + "**",
                    num(lat, "p999"), num(first, "p50"), num(first, "p99"),
                    floor.isMissingNode() ? "–" : num(floor, "p50") + " / " + num(floor, "p99"),
                    s.path("lost").asLong(), s.path("duplicates").asLong(),
                    num(cpu.path("server"), "usPerDelivery"), num(cpu.path(main), "usPerDelivery"),
                    cpu.path("server").path("corePercent").asDouble(), cpu.path("loadgen").path("corePercent").asDouble(),
                    num(s.path("otherLoadPercent"), "serverCore"), num(s.path("otherLoadPercent"), "clientCore")));
        }
    }

    private static void idle(StringBuilder out, List<JsonNode> results) {
        out.append("| target | connections | subscriptions each | process | RSS growth B/conn | heap used after GC B/conn "
                + "| NMT Other (direct) B/conn | NMT total committed B/conn |\n|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            if (!r.path("scenario").asText().equals("idle") || !r.has("perConnection")) {
                continue;
            }
            JsonNode plan = r.path("setup").path("plan");
            r.path("perConnection").fields().forEachRemaining(e -> out.append(String.format(Locale.ROOT,
                    "| %s | %d | %d | %s | %s | %s | %s | %s |%n", r.path("target").asText(),
                    r.path("connect").path("ready").asInt(), plan.path("subscriptionsPerConnection").asInt(), e.getKey(),
                    num(e.getValue(), "VmRSSBytesPerConnection"), num(e.getValue(), "heapUsedBytesPerConnection"),
                    num(e.getValue(), "nmt_Other_committedBytesPerConnection"),
                    num(e.getValue(), "nmtTotalCommittedBytesPerConnection"))));
        }
        out.append('\n');
    }

    private static void resume(StringBuilder out, List<JsonNode> results) {
        out.append("| run | clients | channels | missed per channel | all resubscribed ms | all caught up ms "
                + "| catch-up p50 / p99 / max ms "
                + "| lost | duplicated | redelivered from before | resumed:false | retries "
                + "| resumes from cache / Kafka | catch-up passes / reads / records read |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            if (!r.path("scenario").asText().equals("resume") || !r.has("expected")) {
                continue;
            }
            JsonNode c = r.path("catchupMs");
            JsonNode g = r.path("gatewayCounters");
            String run = Path.of(r.path("options").path("out").asText("?")).getFileName().toString()
                    .replaceFirst("\\.json$", "");
            long channels = Math.max(1, r.path("setup").path("plan").path("channels").asLong(1));
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %s / %s / %s | %d | %d | %d | %d | %d "
                    + "| %s / %s | %s / %s / %s |%n", run,
                    r.path("subscriptions").asLong(), channels, r.path("produced").asLong() / channels,
                    r.path("allResubscribedMs").asLong(),
                    r.path("allCaughtUpMs").isNull() ? "not all" : r.path("allCaughtUpMs").asText(),
                    num(c, "p50"), num(c, "p99"), num(c, "max"), r.path("lost").asLong(),
                    r.path("duplicatedAfterReconnect").asLong(), r.path("redeliveredFromBeforeDisconnect").asLong(),
                    r.path("notResumed").asLong(), r.path("subscribeRetries").asLong(),
                    counter(g, "chorus_subscribe_outcomes_total", "outcome=\"cache\""),
                    counter(g, "chorus_subscribe_outcomes_total", "outcome=\"kafka\""),
                    counter(g, "chorus_catchup_passes_total", "reader=\"catchup\""),
                    counter(g, "chorus_catchup_reads_total", "reader=\"catchup\""),
                    counter(g, "chorus_catchup_records_read_total", "reader=\"catchup\"")));
        }
        out.append('\n');
    }

    /** The sum of a scraped counter's series that carry {@code label}; "–" when the gateway has none. */
    private static String counter(JsonNode scraped, String name, String label) {
        double sum = 0;
        boolean found = false;
        for (var it = scraped.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().startsWith(name + "{") && e.getKey().contains(label)) {
                sum += e.getValue().asDouble();
                found = true;
            }
        }
        return found ? String.format(Locale.ROOT, "%,.0f", sum) : "–";
    }

    private static String num(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return "–";
        }
        double d = v.asDouble();
        return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.1f", d);
    }
}
