package io.chorus.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.gateway.Gateway;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.HalfOpenClient;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.ingest.Ingest;
import io.chorus.ingest.Main;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the dashboards in grafana/dashboards and every expression of
 * grafana/alerts/chorus-rules.yaml, evaluated by a real Prometheus that scrapes a real gateway after
 * traffic that makes the meters exist, and ingest (as its Main runs it) after engagement traffic
 * through that gateway: each must parse, and each must return data, except the
 * entries of {@link #NO_DATA_EXPECTED}, which say why this test cannot cause their events.
 */
class DashboardsAndAlertsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB = "chorus-gateway";
    private static final String INGEST_JOB = "chorus-ingest";

    /** Queries allowed to return nothing here, each with the reason. */
    static final Map<String, String> NO_DATA_EXPECTED = Map.ofEntries(
            Map.entry("chorus-gateway.json/Subscribers fallen behind/s/A",
                    "needs a subscriber whose socket stays full for a whole outbound buffer (SlowConsumerIT's job)"),
            Map.entry("chorus-gateway.json/Slow-consumer closes/s/A",
                    "needs records to leave Kafka retention while a subscriber is behind"),
            Map.entry("chorus-engagement.json/Render errors/s/A",
                    "counts snapshots a renderer failed on: a bug in a rule, which this test has no way to cause"),
            Map.entry("alert/ChorusServerErrors",
                    "internal and kafka_unavailable errors need a fault or a Kafka outage; the shared test broker"
                            + " cannot be stopped"),
            Map.entry("alert/ChorusSlowConsumerCloses", "as the Slow-consumer closes panel"));

    @TempDir
    Path tmp;

    @Test
    void promtoolAcceptsTheAlertRules() {
        Tools.Run r = Tools.run(Tools.repo(), List.of(Tools.promtool().toString(), "check", "rules",
                "grafana/alerts/chorus-rules.yaml"));
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.both().contains("SUCCESS"), r.both());
    }

    @Test
    void everyDashboardQueryAndAlertExpressionParsesAndReturnsDataFromARunningGateway() throws Exception {
        Path rules = Tools.repo().resolve("grafana/alerts/chorus-rules.yaml");
        Map<String, String> queries = queries(rules);
        String ns = TestGateway.freshNamespace();
        TestKafka.ensureTopic("chorus." + ns, 4);
        TestKafka.ensureTopic("chorus.presence", 4);

        try (Main.Running ingest = IngestTraffic.start(tmp.resolve("ingest-state"));
             Gateway gateway = Gateway.start(ConfigLoader.load(false, null, env()));
             PrometheusProcess prom = PrometheusProcess.start(tmp, List.<String[]>of(
                     new String[] {JOB, "127.0.0.1:" + gateway.port()},
                     new String[] {INGEST_JOB, "127.0.0.1:" + ingest.http().port()}), List.of(rules))) {
            Conditions.await("ingest ready", Duration.ofSeconds(60), () -> ingest.ingest().state() == Ingest.State.READY);
            IngestTraffic.run(gateway.port(), ingest.http().port());
            traffic(gateway, ns);

            Map<String, String> pending = new TreeMap<>(queries);
            try {
                Conditions.await("every query to return data", Duration.ofSeconds(90), () -> {
                    pending.entrySet().removeIf(q -> hasData(prom, q.getKey(), q.getValue()));
                    return pending.keySet().stream().allMatch(DashboardsAndAlertsIT::allowed);
                });
            } catch (AssertionError e) {
                List<String> missing = pending.entrySet().stream().filter(q -> !allowed(q.getKey()))
                        .map(q -> q.getKey() + "  =>  " + q.getValue()).toList();
                fail("no data for:\n  " + String.join("\n  ", missing));
            }
            List<String> stale = queries.keySet().stream()
                    .filter(id -> allowed(id) && !pending.containsKey(id)).toList();
            assertTrue(stale.isEmpty(), "allow-listed but returned data (remove from NO_DATA_EXPECTED): " + stale);
            assertEveryRuleEvaluates(prom);
        }
    }

    /** Test gateway settings that let the traffic reach each meter quickly. */
    private static Map<String, String> env() {
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        env.put("CHORUS_KAFKA_CREATE_TOPICS", "false");           // a publish to a missing topic fails
        env.put("CHORUS_CACHE_MESSAGES_PER_CHANNEL", "5");        // an older position resumes from Kafka
        env.put("CHORUS_LIMITS_MAX_CONNECTIONS", "6");            // refused as overloaded
        env.put("CHORUS_LIMITS_PUBLISHES_PER_SECOND", "20");      // rate_limited
        env.put("CHORUS_CONNECTION_HEARTBEAT", "1s");             // a silent client is closed...
        env.put("CHORUS_CONNECTION_IDLE_TIMEOUT", "3s");          // ...as idle_timeout
        env.put("CHORUS_NAMESPACES_DEFAULTS_CONFLATE", "true");   // maxRate subscribers get conflated
        env.put("CHORUS_AUTH_JWKS_URL", "http://127.0.0.1:9/jwks.json"); // nothing listens: a failed fetch
        env.put("CHORUS_AUTH_HMAC_SECRET", IngestTraffic.SECRET);  // the join API's tokens
        return env;
    }

    /** Traffic that creates the gateway's event meters: every step waits for its effect. */
    private static void traffic(Gateway gateway, String ns) throws Exception {
        Conditions.await("presence ready", Duration.ofSeconds(30),
                () -> gateway.metrics().registry().get("chorus_presence_ready").gauge().value() == 1);
        java.net.URI ws = java.net.URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/ws");
        String channel = ns + ":a";
        try (WsProbe a = WsProbe.connect(ws); WsProbe b = WsProbe.connect(ws);
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            a.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + channel + "\",\"presence\":true}");
            a.awaitFrame(f -> f.path("type").asText().equals("subscribed"), Duration.ofSeconds(20));
            a.send("{\"type\":\"enter\",\"ref\":\"e\",\"channel\":\"" + channel + "\",\"data\":{\"n\":1}}");
            a.awaitFrame(f -> f.path("type").asText().equals("presence_event"), Duration.ofSeconds(20));

            // 30 at once: some are over limits.publishesPerSecond, the rest are acknowledged.
            for (int i = 0; i < 30; i++) {
                a.send("{\"type\":\"publish\",\"ref\":\"p" + i + "\",\"channel\":\"" + channel + "\",\"data\":" + i + "}");
            }
            List<String> positions = new ArrayList<>();
            int rateLimited = 0;
            for (int replies = 0; replies < 30; ) {
                JsonNode f = a.awaitFrame(x -> x.path("ref").asText().startsWith("p"), Duration.ofSeconds(20));
                replies++;
                if (f.path("type").asText().equals("ack")) {
                    positions.add(f.path("position").asText());
                } else if (f.path("error").asText().equals("rate_limited")) {
                    rateLimited++;
                }
            }
            assertTrue(positions.size() > 5 && rateLimited > 0, positions.size() + " acks, " + rateLimited + " limited");
            // The burst emptied the rate limit: each of these is sent again until it is not rate_limited.
            JsonNode stored = unlimited(a, "d1", "{\"type\":\"publish\",\"ref\":\"d1\",\"channel\":\"" + channel
                    + "\",\"id\":\"same\",\"data\":1}");
            assertEquals("ack", stored.path("type").asText(), stored.toString());
            JsonNode dup = unlimited(a, "d2", "{\"type\":\"publish\",\"ref\":\"d2\",\"channel\":\"" + channel
                    + "\",\"id\":\"same\",\"data\":1,\"retry\":true}");
            assertTrue(dup.path("duplicate").asBoolean(), dup.toString());
            // (Also past the rate limit: sent once, it was answered rate_limited in a clean CI run.)
            JsonNode missing = unlimited(a, "m", "{\"type\":\"publish\",\"ref\":\"m\",\"channel\":\"missing" + ns
                    + ":a\",\"data\":1}");
            assertEquals("topic_missing", missing.path("error").asText(), missing.toString());

            // Resumes: from Kafka (older than the cache), from the cache, by rewind, and from the future.
            String first = positions.get(0);
            String last = positions.get(positions.size() - 1);
            b.send(subscribe("k", channel, "\"since\":\"" + first + "\""));
            b.awaitFrame(f -> f.path("ref").asText().equals("k"), Duration.ofSeconds(20));
            b.send(subscribe("c", ns + ":c", "\"maxRate\":1"));
            b.awaitFrame(f -> f.path("ref").asText().equals("c"), Duration.ofSeconds(20));
            try (WsProbe c = WsProbe.connect(ws)) {
                c.send(subscribe("r", channel, "\"rewind\":2"));
                c.awaitFrame(f -> f.path("ref").asText().equals("r"), Duration.ofSeconds(20));
                c.send("{\"type\":\"unsubscribe\",\"ref\":\"u1\",\"channel\":\"" + channel + "\"}");
                c.awaitFrame(f -> f.path("ref").asText().equals("u1"), Duration.ofSeconds(20));
                c.send(subscribe("y", channel, "\"since\":\"" + last + "\""));
                c.awaitFrame(f -> f.path("ref").asText().equals("y"), Duration.ofSeconds(20));
                c.send("{\"type\":\"unsubscribe\",\"ref\":\"u2\",\"channel\":\"" + channel + "\"}");
                c.awaitFrame(f -> f.path("ref").asText().equals("u2"), Duration.ofSeconds(20));
                String ahead = last.substring(0, last.lastIndexOf('.') + 1) + "999999999";
                c.send(subscribe("f", channel, "\"since\":\"" + ahead + "\""));
                JsonNode future = c.awaitFrame(f -> f.path("ref").asText().equals("f"), Duration.ofSeconds(20));
                assertEquals("position_ahead", future.path("reason").asText(), future.toString());
                c.send(subscribe("bad", "not a channel!", ""));
                c.awaitFrame(f -> f.path("ref").asText().equals("bad"), Duration.ofSeconds(20));
            }
            // Conflation: the maxRate subscriber gets a burst as a conflated flush.
            for (int i = 0; i < 5; i++) {
                JsonNode q = unlimited(a, "q" + i, "{\"type\":\"publish\",\"ref\":\"q" + i + "\",\"channel\":\"" + ns
                        + ":c\",\"data\":" + i + "}");
                assertEquals("ack", q.path("type").asText(), q.toString());
            }
            awaitMeter(gateway, "chorus_conflated_deliveries");

            // A backend record without a key, on a partition the live reader reads: skipped, counted.
            int partition = Integer.parseInt(first.split("\\.")[1]);
            producer.send(new ProducerRecord<>("chorus." + ns, partition, null,
                    "{}".getBytes(StandardCharsets.UTF_8))).get();
            awaitMeter(gateway, "chorus_records_skipped");

            HttpResponse<String> history = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/v1/channels/" + channel
                            + "/messages?limit=2")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, history.statusCode(), history.body());

            // A client that never answers is closed for idleness.
            try (HalfOpenClient silent = new HalfOpenClient(gateway.port(), "/v1/ws")) {
                awaitMeter(gateway, "chorus_server_closes");
            }
            // More connections than limits.maxConnections: refused as overloaded.
            List<WsProbe> extra = new ArrayList<>();
            try {
                for (int i = 0; i < 8 && gateway.metrics().registry().find("chorus_connections_refused")
                        .counter() == null; i++) {
                    try {
                        extra.add(WsProbe.connect(ws));
                    } catch (Exception | AssertionError refused) {
                        // the refusal is what this step is for; the meter below proves it
                    }
                }
                awaitMeter(gateway, "chorus_connections_refused");
            } finally {
                for (WsProbe p : extra) {
                    p.close();
                }
            }
            awaitMeter(gateway, "chorus_jwks_fetches");
        }
    }

    /** Sends {@code frame} until its reply is something other than rate_limited (at most 200 times). */
    private static JsonNode unlimited(WsProbe ws, String ref, String frame) throws Exception {
        for (int i = 0; i < 200; i++) {
            ws.send(frame);
            JsonNode reply = ws.awaitFrame(f -> f.path("ref").asText().equals(ref), Duration.ofSeconds(20));
            if (!reply.path("error").asText().equals("rate_limited")) {
                return reply;
            }
        }
        return fail(ref + " stayed rate_limited");
    }

    private static String subscribe(String ref, String channel, String more) {
        return "{\"type\":\"subscribe\",\"ref\":\"" + ref + "\",\"channel\":\"" + channel + "\""
                + (more.isEmpty() ? "" : "," + more) + "}";
    }

    private static void awaitMeter(Gateway gateway, String name) {
        Conditions.await(name, Duration.ofSeconds(20),
                () -> gateway.metrics().registry().find(name).meters().stream().anyMatch(m ->
                        m.measure().iterator().next().getValue() > 0));
    }

    /** id -> PromQL: dashboard targets and variables (Grafana's variables replaced), alert expressions. */
    static Map<String, String> queries(Path rules) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(Tools.repo().resolve("grafana/dashboards"))) {
            dashboards = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(dashboards.size() >= 2, "grafana/dashboards holds the gateway and engagement dashboards");
        for (Path file : dashboards) {
            JsonNode d = JSON.readTree(file.toFile());
            String name = file.getFileName().toString();
            for (JsonNode v : d.at("/templating/list")) {
                Matcher m = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)").matcher(v.at("/query/query").asText());
                if (m.matches()) {
                    out.put(name + "/$" + v.path("name").asText(), "count by (" + m.group(2) + ") ("
                            + grafana(name, m.group(1)) + ")");
                }
            }
            panels(d.path("panels"), name, out);
        }
        JsonNode groups = Chart.YAML.readTree(rules.toFile()).path("groups");
        for (JsonNode g : groups) {
            for (JsonNode r : g.path("rules")) {
                out.put("alert/" + r.path("alert").asText(), r.path("expr").asText().trim());
            }
        }
        return out;
    }

    private static void panels(JsonNode panels, String file, Map<String, String> out) {
        for (JsonNode p : panels) {
            panels(p.path("panels"), file, out);
            for (JsonNode t : p.path("targets")) {
                String id = file + "/" + p.path("title").asText() + "/" + t.path("refId").asText();
                if (out.put(id, grafana(file, t.path("expr").asText())) != null) {
                    fail("two queries with the id " + id);
                }
            }
        }
    }

    /**
     * Grafana's variables as "All" sets them: $job is every job its variable finds (the gateway
     * dashboard: the job scraped here; the engagement dashboard: ingest's job, chorus-ingest),
     * $instance every pod, and a one-minute rate window.
     */
    private static String grafana(String file, String expr) {
        String job = file.contains("engagement") ? INGEST_JOB : JOB;
        return expr.replace("$__rate_interval", "1m").replace("$job", job).replace("$instance", ".+");
    }

    private static boolean allowed(String id) {
        return NO_DATA_EXPECTED.containsKey(id)
                || NO_DATA_EXPECTED.containsKey(id.substring(0, id.indexOf('/') + 1) + "*");
    }

    private static final Pattern LAST_COMPARISON =
            Pattern.compile("(?s)(.*\\S)\\s*(==|!=|>=|<=|>|<)\\s*(-?[0-9.]+)\\s*");

    /**
     * Runs the query; a parse or evaluation error fails at once. An alert expression, which is empty
     * while all is well, is asked with its last comparison made a {@code bool} one, so its signal shows.
     */
    private static boolean hasData(PrometheusProcess prom, String id, String promql) {
        JsonNode asIs = prom.query(promql);
        if (!"success".equals(asIs.path("status").asText())) {
            fail(id + " does not evaluate: " + asIs.path("error").asText() + "\n  " + promql);
        }
        String signal = promql;
        if (id.startsWith("alert/")) {
            Matcher m = LAST_COMPARISON.matcher(promql);
            if (!m.matches()) {
                fail(id + " must end in a comparison with a number: " + promql);
            }
            signal = "(" + m.group(1) + ") " + m.group(2) + " bool " + m.group(3);
        }
        JsonNode r = prom.query(signal);
        if (!"success".equals(r.path("status").asText())) {
            fail(id + " does not evaluate: " + r.path("error").asText() + "\n  " + signal);
        }
        return r.at("/data/result").size() > 0;
    }

    /** Prometheus's own rule engine evaluated every rule without error. */
    private static void assertEveryRuleEvaluates(PrometheusProcess prom) {
        Conditions.await("every rule evaluated", Duration.ofSeconds(30), () -> {
            for (JsonNode g : prom.get("/api/v1/rules").at("/data/groups")) {
                for (JsonNode r : g.path("rules")) {
                    if ("unknown".equals(r.path("health").asText())) {
                        return false;
                    }
                }
            }
            return true;
        });
        int rules = 0;
        for (JsonNode g : prom.get("/api/v1/rules").at("/data/groups")) {
            for (JsonNode r : g.path("rules")) {
                rules++;
                assertEquals("ok", r.path("health").asText(), r.path("name").asText() + ": " + r.path("lastError"));
            }
        }
        assertTrue(rules >= 10, rules + " rules loaded");
    }
}
