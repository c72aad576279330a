package io.chorus.ingest.it;

import static io.chorus.ingest.it.Wire.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.Gateway;
import io.chorus.kafka.embedded.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12's exactness test, end to end on the real broker: two gateways in this JVM, ingest as a
 * separate OS process, {@link #PARTICIPANTS} participants on raw WebSockets voting in a choice poll
 * (some change their vote), picking a quiz team and answering a quiz question, asking and upvoting Q&A
 * (some take their upvote back), with duplicates (the same command id published again on the other
 * gateway, which writes it to Kafka a second time), retries (the same id over HTTP on the other gateway,
 * which looks it up), reconnects mid-storm (a publish whose ack never came, resent with {@code retry}
 * to the other gateway), while ingest is killed with SIGKILL twice: once restarted on its state
 * directory, once on an empty one (state restored from the changelog). Every count must equal what
 * the test computes from what it sent, and no screen may see a snapshot's {@code seq} go backwards.
 */
class ExactlyOnceUnderFaultsTest {

    private org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> copies;

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceUnderFaultsTest.class);

    /** At least 1,000 for the issue; {@code -Dchorus.it.participants=200} for a quicker run. */
    static final int PARTICIPANTS = Integer.getInteger("chorus.it.participants", 1000);
    static final int ASKERS = Math.max(4, PARTICIPANTS / 50);
    static final String SECRET = "exactly-once-test-secret-at-least-32-bytes";
    static final String CODE = "EXACT2";
    static final String[] OPTIONS = {"a", "b", "c", "d"};
    static final String CORRECT = "b";
    static final String[] TEAMS = {"red", "green", "blue"};
    static final long TIME_LIMIT_MS = 300_000;
    static final Duration WAIT = Duration.ofSeconds(180);

    private final String prefix = "eo" + Long.toString(System.nanoTime() % 10_000_000_000L, 36);
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Vertx vertx;
    private WebSocketClient client;
    private Gateway[] gateways;
    private IngestProcess ingest;
    private Tokens tokens;
    private Participant[] people;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing: {}", e.toString());
            }
        }
        if (ingest != null) {
            ingest.close();
        }
        if (copies != null) {
            copies.close();
        }
    }

    @Test
    @Timeout(900)
    void everyCountIsExactThroughDuplicatesRetriesReconnectsAndIngestKilledWithSigkill() throws Exception {
        long started = System.nanoTime();
        for (String ns : List.of("engage-in", "engage-ctl", "engage", "engage-chat", "engage-mod", "engage-me",
                "engage-audit", "engage-dead")) {
            TestKafka.ensureTopic(topic(ns), 3);
        }
        ingest = IngestProcess.start(ingestConfig(dir.resolve("state-1")), ingestLog());
        gateways = new Gateway[] {startGateway(), startGateway()};
        tokens = new Tokens(SECRET);
        vertx = Vertx.vertx();
        closing.add(() -> vertx.close().await(30, TimeUnit.SECONDS));
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(4 * PARTICIPANTS));

        Screen[] screens = {Screen.open(this, 0), Screen.open(this, 1)};
        Wire host = Wire.connect(client, port(0), tokens.host(CODE, "h-host"), m -> { }).get(30, TimeUnit.SECONDS);
        String ctl = "engage-ctl:" + CODE + ":host";
        staff(host, ctl, "create", "{\"type\":\"event.create\",\"title\":\"Exactly once\"}");
        staff(host, ctl, "configure", "{\"type\":\"event.configure\",\"qa\":{\"enabled\":true,\"moderated\":false}}");
        staff(host, ctl, "poll", "{\"type\":\"activity.create\",\"activity\":\"poll\",\"kind\":\"choice\","
                + "\"title\":\"Pick one\",\"allowChange\":true,\"options\":" + options() + "}");
        staff(host, ctl, "quiz", "{\"type\":\"activity.create\",\"activity\":\"quiz\",\"kind\":\"quiz\","
                + "\"title\":\"Quiz\",\"teams\":[\"red\",\"green\",\"blue\"],\"questions\":[{\"text\":\"Which?\","
                + "\"options\":" + options() + ",\"correct\":\"" + CORRECT + "\",\"timeLimitMs\":" + TIME_LIMIT_MS
                + "}]}");
        staff(host, ctl, "open-poll", "{\"type\":\"activity.open\",\"activity\":\"poll\"}");
        staff(host, ctl, "open-quiz", "{\"type\":\"activity.open\",\"activity\":\"quiz\"}");
        staff(host, ctl, "next-0", "{\"type\":\"quiz.next\",\"activity\":\"quiz\"}");
        for (Screen s : screens) {
            await("the quiz question open on screen " + s.gateway, () -> s.latest("quiz").path("question")
                    .path("index").asInt(-1) == 0 && "open".equals(s.latest("poll").path("state").asText()));
        }

        people = new Participant[PARTICIPANTS];
        List<CompletableFuture<?>> connecting = new ArrayList<>();
        for (int i = 0; i < PARTICIPANTS; i++) {
            people[i] = new Participant(this, i);
            connecting.add(people[i].connect(i % 2));
        }
        CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        LOG.info("{} participants connected after {} s", PARTICIPANTS, seconds(started));

        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            // Wave 1: votes, teams, answers, questions. SIGKILL once ingest counted a quarter of the votes,
            // with half of the participants still to come; restart on the same state directory.
            List<Future<?>> first = run(pool, 0, PARTICIPANTS / 2, Participant::wave1);
            await("a quarter of the votes counted", () -> screens[0].latest("poll").path("responses").asLong()
                    >= PARTICIPANTS / 4);
            ingest.kill();
            LOG.info("ingest killed (SIGKILL) in wave 1 after {} s", seconds(started));
            List<Future<?>> second = run(pool, PARTICIPANTS / 2, PARTICIPANTS, Participant::wave1);
            ingest = IngestProcess.start(ingestConfig(dir.resolve("state-1")), ingestLog());
            join(first);
            join(second);
            for (Screen s : screens) {
                await("every vote, answer and question counted on screen " + s.gateway, () ->
                        s.latest("poll").path("responses").asLong() == PARTICIPANTS
                        && s.latest("quiz").path("responses").asLong() == PARTICIPANTS
                        && s.latest("qa").path("questions").size() == ASKERS);
            }
            LOG.info("wave 1 counted after {} s", seconds(started));

            // Wave 2: upvotes. SIGKILL again mid-storm; restart on an EMPTY state directory, so the store
            // comes back from its changelog.
            List<Future<?>> third = run(pool, 0, PARTICIPANTS / 2, Participant::wave2);
            await("some upvotes counted", () -> upvotes(screens[0].latest("qa")) >= PARTICIPANTS / 4);
            ingest.kill();
            LOG.info("ingest killed (SIGKILL) in wave 2 after {} s", seconds(started));
            List<Future<?>> fourth = run(pool, PARTICIPANTS / 2, PARTICIPANTS, Participant::wave2);
            ingest = IngestProcess.start(ingestConfig(dir.resolve("state-2")), ingestLog());
            join(third);
            join(fourth);
        } finally {
            pool.shutdownNow();
        }

        Map<String, Long> expectedVotes = expectedVotes();
        Map<String, Integer> expectedUpvotes = expectedUpvotes();
        for (Screen s : screens) {
            await("the exact tallies on screen " + s.gateway, () -> counts(s.latest("poll")).equals(expectedVotes)
                    && upvotesById(s.latest("qa")).equals(expectedUpvotes));
        }
        LOG.info("wave 2 counted after {} s", seconds(started));

        staff(host, ctl, "reveal-0", "{\"type\":\"quiz.reveal\",\"activity\":\"quiz\"}");
        for (Screen s : screens) {
            await("the revealed quiz on screen " + s.gateway, () -> s.latest("quiz").path("question")
                    .path("revealed").asBoolean() && s.latest("quiz").path("results").has("teams"));
        }
        InputLog input = InputLog.read(TestKafka.bootstrapServers(), topic("engage-in"), topic("engage-ctl"), CODE);
        QuizExpectation quiz = QuizExpectation.of(this, input);

        for (Screen s : screens) {
            ObjectNode poll = s.latest("poll");
            assertEquals(expectedVotes, counts(poll), "poll counts: each participant's last vote, once");
            assertEquals(PARTICIPANTS, poll.path("responses").asLong());
            assertEquals(expectedUpvotes, upvotesById(s.latest("qa")), "Q&A upvotes");
            ObjectNode qz = s.latest("quiz");
            assertEquals(input.openedAt(), qz.path("question").path("openedAt").asLong(), "the question's open time");
            assertEquals(quiz.counts(), fields(qz.path("question").path("counts")), "answers per option");
            assertEquals(normal(quiz.teams()), normal(qz.path("results").path("teams")), "team totals");
            assertEquals(normal(quiz.leaderboard()), normal(strip(qz.path("results").path("leaderboard"))), "leaderboard");
            assertEquals(PARTICIPANTS, s.latest("event").path("participants").asLong(), "participants");
        }
        assertTrue(input.duplicates() >= PARTICIPANTS / 10, "duplicates reached ingest through Kafka: "
                + input.duplicates());
        // Both of ingest's paths carried commands: the gateways' (murmur2_name, the event's own partition,
        // applied where they were read) and the copies' (the Java client's murmur2 of the whole key, another
        // partition for this code, through the repartition topic).
        int own = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                CODE.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 3;
        int copied = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                ("engage-in:" + CODE).getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 3;
        assertTrue(own != copied, "the code must put the two on different partitions");
        assertEquals(java.util.Set.of(own, copied), input.inPartitions(), "the participant topic's partitions used");

        // A screen that comes late gets the latest snapshot first, equal to what the live screens hold.
        Screen late = Screen.open(this, 1);
        for (String ch : Screen.CHANNELS.keySet()) {
            await("the late screen's " + ch, () -> late.latest(ch).path("seq").asLong()
                    == screens[0].latest(ch).path("seq").asLong());
            assertEquals(screens[0].latest(ch), late.latest(ch), ch);
        }
        await("a reply to every command", () -> IntStream.range(0, PARTICIPANTS).allMatch(i -> people[i].allReplied()));
        await("every participant's own state", () -> IntStream.range(0, PARTICIPANTS).allMatch(i ->
                people[i].lastYou != null && expectedVotes.containsKey(people[i].lastYou.path("votes").path("poll")
                        .path("choices").path(0).asText())));
        for (Participant p : people) {
            assertEquals(p.vote, p.lastYou.path("votes").path("poll").path("choices").path(0).asText(),
                    p.id + "'s own vote");
        }
        assertEquals(List.of(), problems, "refusals, seq going backwards, failed sends");
        LOG.info("done after {} s; duplicates in the input: {}", seconds(started), input.duplicates());
    }

    // --- the expected results, from what the test sent ---------------------------------------------------------

    private Map<String, Long> expectedVotes() {
        Map<String, Long> out = new TreeMap<>();
        for (String o : OPTIONS) {
            out.put(o, 0L);
        }
        for (Participant p : people) {
            out.merge(p.vote, 1L, Long::sum);
        }
        return out;
    }

    private Map<String, Integer> expectedUpvotes() {
        Map<String, Integer> out = new TreeMap<>();
        for (int q = 0; q < ASKERS; q++) {
            out.put("q-" + q, 0);
        }
        for (Participant p : people) {
            p.upvoted.forEach((q, on) -> {
                if (on) {
                    out.merge(q, 1, Integer::sum);
                }
            });
        }
        return out;
    }

    // --- snapshot reading --------------------------------------------------------------------------------------

    private static Map<String, Long> counts(JsonNode poll) {
        Map<String, Long> out = new TreeMap<>();
        poll.path("results").path("counts").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    private static Map<String, Long> fields(JsonNode object) {
        Map<String, Long> out = new TreeMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    private static Map<String, Integer> upvotesById(JsonNode qa) {
        Map<String, Integer> out = new TreeMap<>();
        qa.path("questions").forEach(q -> out.put(q.path("id").asText(), q.path("upvotes").asInt()));
        return out;
    }

    private static long upvotes(JsonNode qa) {
        long n = 0;
        for (JsonNode q : qa.path("questions")) {
            n += q.path("upvotes").asLong();
        }
        return n;
    }

    /** Read back from text, so numbers compare by value whatever node type built them. */
    private static JsonNode normal(JsonNode n) {
        try {
            return JSON.readTree(n.toString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The leaderboard as {@code [{participant, score}]}. */
    private static ArrayNode strip(JsonNode leaderboard) {
        ArrayNode out = JSON.createArrayNode();
        leaderboard.forEach(e -> out.addObject().put("participant", e.path("participant").asText())
                .put("score", e.path("score").asLong()));
        return out;
    }

    // --- the parts ---------------------------------------------------------------------------------------------

    String topic(String namespace) {
        return prefix + "." + namespace;
    }

    int port(int gateway) {
        return gateways[gateway].port();
    }

    WebSocketClient client() {
        return client;
    }

    Tokens tokens() {
        return tokens;
    }

    /**
     * A second record of a command already written, produced straight to Kafka as the gateway writes
     * client publishes (key, {@code chorus-id}, {@code chorus-client}, the data as the value). The
     * gateways now refuse to write a known id twice, so copies reach Kafka only from a race between
     * pods (both attempts in flight at once) or a backend; this makes them certain.
     */
    void copyInKafka(String participant, String commandId, ObjectNode data) {
        synchronized (this) {
            if (copies == null) {
                copies = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of(
                        org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TestKafka.bootstrapServers(),
                        org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all"),
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer());
            }
        }
        var record = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(topic("engage-in"),
                ("engage-in:" + CODE).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        record.headers().add("chorus-id", commandId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        record.headers().add("chorus-client", participant.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            copies.send(record).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not write a copy of " + commandId, e);
        }
    }

    void problem(String what) {
        if (problems.size() < 100) {
            problems.add(what);
        }
    }

    private Gateway startGateway() throws Exception {
        StringBuilder yaml = new StringBuilder("""
                http: {host: 127.0.0.1, port: 0}
                kafka: {createTopics: true, partitions: 3}
                limits: {newConnectionsPerSecond: 100000, newConnectionsPerIpPerSecond: 100000}
                auth: {hmacSecret: %s}
                namespaces:
                  configured:
                """.formatted(SECRET));
        Map<String, String> options = new LinkedHashMap<>();
        // The gateways write where ingest keeps the event's state (its local path); the copies below,
        // produced with the Java client's default partitioner, take the repartition topic.
        options.put("engage-in", ", partitioner: murmur2_name");
        options.put("engage-ctl", "");
        options.put("engage", ", clientPublish: false, conflate: true");
        options.put("engage-chat", ", clientPublish: false");
        options.put("engage-mod", ", clientPublish: false, conflate: true");
        options.put("engage-me", ", clientPublish: false");
        options.forEach((ns, more) -> yaml.append("    ").append(ns).append(": {topic: ").append(topic(ns))
                .append(more).append("}\n"));
        Path file = Files.writeString(Files.createTempFile(dir, "gateway", ".yaml"), yaml);
        Gateway g = Gateway.start(io.chorus.gateway.config.ConfigLoader.load(false, file,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers())));
        closing.add(g);
        return g;
    }

    /** Kept after the test (the temporary directory is not), for a look at what ingest did around each kill. */
    private Path ingestLog() throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "exactly-once")).resolve(prefix + "-ingest.log");
    }

    private Path ingestConfig(Path stateDir) throws Exception {
        String yaml = """
                kafka:
                  bootstrapServers: %s
                  applicationId: %s
                  stateDir: %s
                  streams:
                    session.timeout.ms: 6000
                    heartbeat.interval.ms: 1000
                topics: {in: %s, ctl: %s, engage: %s, chat: %s, mod: %s, me: %s, audit: %s, dead: %s}
                engage:
                  http: {host: 127.0.0.1, port: 0}
                """.formatted(TestKafka.bootstrapServers(), prefix + "-ingest", stateDir, topic("engage-in"),
                topic("engage-ctl"), topic("engage"), topic("engage-chat"), topic("engage-mod"), topic("engage-me"),
                topic("engage-audit"), topic("engage-dead"));
        return Files.writeString(Files.createTempFile(dir, "ingest", ".yaml"), yaml);
    }

    private static void staff(Wire host, String channel, String id, String json) throws Exception {
        host.publish(channel, id, (ObjectNode) JSON.readTree(json), false).get(30, TimeUnit.SECONDS);
    }

    private static String options() {
        ArrayNode a = JSON.createArrayNode();
        for (String o : OPTIONS) {
            a.addObject().put("id", o).put("label", "Option " + o);
        }
        return a.toString();
    }

    private List<Future<?>> run(ExecutorService pool, int from, int to, java.util.function.Consumer<Participant> script) {
        List<Future<?>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Participant p = people[i];
            out.add(pool.submit(() -> {
                try {
                    script.accept(p);
                } catch (RuntimeException e) {
                    problem(p.id + ": " + e);
                }
            }));
        }
        return out;
    }

    private static void join(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            // The poll interval of the check; the wait ends on the condition, not on a time.
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    /** The quiz results the rules of ENGAGE.md give for the first answer per participant, at its record time. */
    record QuizExpectation(Map<String, Long> counts, ArrayNode teams, ArrayNode leaderboard) {

        static QuizExpectation of(ExactlyOnceUnderFaultsTest t, InputLog input) {
            Map<String, Long> counts = new TreeMap<>();
            for (String o : OPTIONS) {
                counts.put(o, 0L);
            }
            Map<String, long[]> teams = new HashMap<>();
            for (String team : TEAMS) {
                teams.put(team, new long[2]);
            }
            record Scored(String participant, long score, long at) {
            }
            List<Scored> scored = new ArrayList<>();
            for (Participant p : t.people) {
                Long at = input.firstTimestamp(p.id, p.answerId);
                if (at == null) {
                    throw new AssertionError("no answer of " + p.id + " in the input");
                }
                counts.merge(p.answer, 1L, Long::sum);
                long points = 0;
                if (p.answer.equals(CORRECT)) {
                    long elapsed = Math.max(0, Math.min(at - input.openedAt(), TIME_LIMIT_MS));
                    points = 500 + Math.round(500.0 * (TIME_LIMIT_MS - elapsed) / TIME_LIMIT_MS);
                    scored.add(new Scored(p.id, points, at));
                }
                long[] team = teams.get(p.team);
                team[0] += points;
                team[1]++;
            }
            ArrayNode teamList = JSON.createArrayNode();
            teams.entrySet().stream()
                    .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
                            .thenComparing(Map.Entry::getKey))
                    .forEach(e -> teamList.addObject().put("name", e.getKey()).put("score", e.getValue()[0])
                            .put("members", e.getValue()[1]));
            ArrayNode board = JSON.createArrayNode();
            scored.stream().sorted(Comparator.comparingLong(Scored::score).reversed().thenComparingLong(Scored::at)
                    .thenComparing(Scored::participant)).limit(10)
                    .forEach(s -> board.addObject().put("participant", s.participant()).put("score", s.score()));
            return new QuizExpectation(counts, teamList, board);
        }
    }
}
