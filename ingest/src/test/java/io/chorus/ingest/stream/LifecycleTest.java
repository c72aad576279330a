package io.chorus.ingest.stream;

import static io.chorus.ingest.stream.Harness.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Limits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event and activity lifecycle through the real topology. */
class LifecycleTest {

    private static final String ACTIVITY = "engage:" + CODE + ":a:q1";
    private Harness h = new Harness();

    @AfterEach
    void close() {
        h.close();
    }

    private String create(String json) {
        return h.host("{\"type\":\"activity.create\"," + json + "}");
    }

    private String choice(String id) {
        return create("\"activity\":\"" + id + "\",\"kind\":\"choice\",\"title\":\"Tea?\",\"options\":"
                + "[{\"id\":\"yes\",\"label\":\"Yes\"},{\"id\":\"no\",\"label\":\"No\"}]");
    }

    private String host(String type, String activity) {
        return h.host("{\"type\":\"" + type + "\",\"activity\":\"" + activity + "\"}");
    }

    private String vote(String pid, int round, String option) {
        return h.participant(pid, "{\"type\":\"poll.vote\",\"activity\":\"q1\",\"round\":" + round
                + ",\"choices\":[\"" + option + "\"]}");
    }

    @Test
    void theEventSnapshotShowsTheEventItsActivitiesAndWhatOtherFeaturesStored() {
        h.createEvent("Keynote");
        h.participant("p-1", "{\"type\":\"participant.join\",\"name\":\"Ann\"}");
        h.participant("p-2", "{\"type\":\"participant.join\",\"name\":\"Bob\"}");
        h.participant("p-1", "{\"type\":\"participant.join\",\"name\":\"Ann B.\"}");
        choice("q1");
        choice("a0");
        h.host("{\"type\":\"event.current\",\"activity\":\"q1\"}");
        h.host("{\"type\":\"event.configure\",\"title\":\"Keynote 2\",\"reactions\":[\"👍\",\"🔥\"],"
                + "\"chat\":{\"slowModeMs\":5000},\"qa\":{\"moderated\":true}}");
        h.driver.getKeyValueStore(EngageTopology.STORE).put(Kv.key(CODE, "slides"),
                "{\"deck\":\"main\",\"slide\":3,\"state\":{}}".getBytes(StandardCharsets.UTF_8));
        ObjectNode s = h.latest("engage:" + CODE);
        assertEquals("event", s.path("type").asText());
        assertEquals("Keynote 2", s.path("title").asText());
        assertEquals("q1", s.path("current").asText());
        assertEquals(2, s.path("participants").asLong());
        assertEquals(List.of("q1", "a0"), s.path("activities").findValuesAsText("id"), "creation order");
        assertEquals("draft", s.path("activities").get(0).path("state").asText());
        assertEquals(3, s.path("slides").path("slide").asInt());
        assertTrue(s.path("breakout").isNull());
        assertEquals("🔥", s.path("reactions").get(1).asText());
        assertEquals(5000, s.path("chat").path("slowModeMs").asLong());
        assertTrue(s.path("chat").path("enabled").asBoolean());
        assertTrue(s.path("qa").path("moderated").asBoolean());
        JsonNode stored = readJson(Kv.key(CODE, "participant", "p-1"));
        assertEquals("Ann B.", stored.path("name").asText());
    }

    @Test
    void eventCommandsAreCheckedForRoleAndFields() {
        h.createEvent("Keynote");
        assertEquals("invalid_command", h.outcome("system", h.staff("host", "system",
                "{\"type\":\"event.create\",\"title\":\"again\"}")));
        assertEquals("forbidden", h.outcome("pres", h.staff("presenter", "pres",
                "{\"type\":\"event.configure\",\"title\":\"x\"}")));
        assertEquals("ok", h.outcome("pres", h.staff("presenter", "pres",
                "{\"type\":\"event.current\",\"activity\":null}")));
        assertEquals("unknown_activity", h.outcome("host-1", h.host("{\"type\":\"event.current\",\"activity\":\"zz\"}")));
        assertEquals("invalid_command", h.outcome("host-1", h.host("{\"type\":\"event.configure\",\"chat\":"
                + "{\"slowModeMs\":-1}}")));
        assertEquals("invalid_command", h.outcome("p-1", h.participant("p-1",
                "{\"type\":\"participant.join\",\"name\":\"" + "x".repeat(41) + "\"}")));
        assertEquals("invalid_command", h.outcome("p-1", h.participant("p-1", "{\"type\":\"participant.join\"}")));
        assertEquals("forbidden", h.outcome("host-1", h.host("{\"type\":\"participant.join\",\"name\":\"H\"}")));
        assertEquals("forbidden", h.outcome("p-1", h.participant("p-1", "{\"type\":\"activity.open\",\"activity\":\"q1\"}")));
    }

    @Test
    void joiningBeyondTheParticipantLimitIsRefusedButRejoiningIsNot() {
        h.close();
        var base = ConfigLoader.defaults("unused:9092");
        Limits d = Limits.defaults();
        Limits two = new Limits(d.commandBytes(), d.textChars(), d.questionChars(), d.chatChars(), d.options(),
                d.quizQuestions(), d.activities(), d.qaQuestions(), d.rooms(), 2, d.wordsPerEntry(),
                d.reactionsPerWindow(), d.reactionWindowMs());
        h = new Harness(base.withEngage(base.engage().withLimits(two)), null);
        h.createEvent("Keynote");
        assertEquals("ok", h.outcome("p-1", h.participant("p-1", "{\"type\":\"participant.join\",\"name\":\"A\"}")));
        assertEquals("ok", h.outcome("p-2", h.participant("p-2", "{\"type\":\"participant.join\",\"name\":\"B\"}")));
        assertEquals("limit_reached", h.outcome("p-3", h.participant("p-3", "{\"type\":\"participant.join\",\"name\":\"C\"}")));
        assertEquals("ok", h.outcome("p-1", h.participant("p-1", "{\"type\":\"participant.join\",\"name\":\"A2\"}")));
        assertEquals(2, h.latest("engage:" + CODE).path("participants").asLong());
    }

    @Test
    void anActivityGoesFromDraftToOpenToClosedToResultsAndRerunsInANewRound() {
        h.createEvent("Keynote");
        choice("q1");
        ObjectNode draft = h.latest(ACTIVITY);
        assertEquals("draft", draft.path("state").asText());
        assertEquals(0, draft.path("round").asInt());
        assertEquals("activity_not_open", h.outcome("p-1", vote("p-1", 0, "yes")));

        host("activity.open", "q1");
        assertEquals("open", h.latest(ACTIVITY).path("state").asText());
        assertEquals("ok", h.outcome("p-1", vote("p-1", 1, "yes")));
        assertEquals("ok", h.outcome("p-2", vote("p-2", 1, "no")));
        assertEquals("invalid_command", h.outcome("host-1", host("activity.open", "q1")), "already open");

        host("activity.close", "q1");
        ObjectNode closed = h.latest(ACTIVITY);
        assertEquals("closed", closed.path("state").asText());
        assertEquals("activity_not_open", h.outcome("p-3", vote("p-3", 1, "yes")));
        assertEquals("activity_not_open", h.outcome("host-1", host("activity.close", "q1")));

        host("activity.reveal", "q1");
        ObjectNode results = h.latest(ACTIVITY);
        assertEquals("results", results.path("state").asText());
        assertEquals(1, results.path("results").path("counts").path("yes").asLong());
        assertEquals("invalid_command", h.outcome("host-1", host("activity.reveal", "q1")));

        host("activity.rerun", "q1");
        ObjectNode rerun = h.latest(ACTIVITY);
        assertEquals("open", rerun.path("state").asText());
        assertEquals(2, rerun.path("round").asInt());
        assertEquals(0, rerun.path("responses").asLong(), "a new round starts empty");
        assertEquals(0, rerun.path("results").path("counts").path("yes").asLong());
        assertEquals("wrong_round", h.outcome("p-1", vote("p-1", 1, "yes")));
        assertEquals("ok", h.outcome("p-1", vote("p-1", 2, "yes")), "one response per round");
        List<Integer> rounds = h.read(h.config.topics().audit()).stream()
                .map(o -> o.value().path("round").asInt()).toList();
        assertEquals(List.of(1, 1, 2), rounds, "each accepted vote audited with its round");

        host("activity.close", "q1");
        host("activity.open", "q1");
        assertEquals(3, h.latest(ACTIVITY).path("round").asInt(), "open after close starts the next round");
        JsonNode list = h.latest("engage:" + CODE).path("activities").get(0);
        assertEquals("open", list.path("state").asText());
        assertEquals(3, list.path("round").asInt());
    }

    @Test
    void activityCommandsAreRefusedWithTheirCodes() {
        h.createEvent("Keynote");
        choice("q1");
        assertEquals("activity_exists", h.outcome("host-1", choice("q1")));
        assertEquals("invalid_command", h.outcome("host-1", create("\"activity\":\"bad id!\",\"kind\":\"choice\"")));
        assertEquals("invalid_command", h.outcome("host-1", create("\"activity\":\"x\",\"kind\":\"telepathy\"")));
        assertEquals("invalid_command", h.outcome("host-1", create("\"activity\":\"x\",\"kind\":\"choice\","
                + "\"options\":[{\"id\":\"a\",\"label\":\"A\"},{\"id\":\"b\",\"label\":\"B\"}],\"results\":\"never\"")));
        assertEquals("unknown_activity", h.outcome("host-1", host("activity.open", "nope")));
        assertEquals("unknown_activity", h.outcome("p-1", h.participant("p-1",
                "{\"type\":\"poll.vote\",\"activity\":\"nope\",\"round\":1,\"choices\":[\"yes\"]}")));
        assertEquals("forbidden", h.outcome("mod", h.staff("moderator", "mod",
                "{\"type\":\"activity.open\",\"activity\":\"q1\"}")));
        host("activity.open", "q1");
        assertEquals("invalid_command", h.outcome("p-1", h.participant("p-1",
                "{\"type\":\"poll.vote\",\"activity\":\"q1\",\"choices\":[\"yes\"]}")), "round is required");
        assertEquals("forbidden", h.outcome("host-1", h.host(
                "{\"type\":\"poll.vote\",\"activity\":\"q1\",\"round\":1,\"choices\":[\"yes\"]}")));
        assertEquals("invalid_command", h.outcome("mod", h.staff("moderator", "mod",
                "{\"type\":\"poll.moderate\",\"activity\":\"q1\",\"entry\":\"1.p\",\"status\":\"published\"}")),
                "a choice poll has nothing to moderate");
    }

    @Test
    void theActivityLimitIsEnforced() {
        h.close();
        var base = ConfigLoader.defaults("unused:9092");
        Limits d = Limits.defaults();
        Limits one = new Limits(d.commandBytes(), d.textChars(), d.questionChars(), d.chatChars(), d.options(),
                d.quizQuestions(), 1, d.qaQuestions(), d.rooms(), d.participants(), d.wordsPerEntry(),
                d.reactionsPerWindow(), d.reactionWindowMs());
        h = new Harness(base.withEngage(base.engage().withLimits(one)), null);
        h.createEvent("Keynote");
        assertEquals("ok", h.outcome("host-1", choice("q1")));
        assertEquals("limit_reached", h.outcome("host-1", choice("q2")));
    }

    @Test
    void resultsAreVisibleAsTheResultsSettingSays() {
        h.createEvent("Keynote");
        create("\"activity\":\"q1\",\"kind\":\"choice\",\"results\":\"closed\",\"options\":"
                + "[{\"id\":\"yes\",\"label\":\"Yes\"},{\"id\":\"no\",\"label\":\"No\"}]");
        host("activity.open", "q1");
        vote("p-1", 1, "yes");
        ObjectNode open = h.latest(ACTIVITY);
        assertEquals(1, open.path("responses").asLong(), "the count of responses is public");
        assertFalse(open.has("results"), "closed: hidden while open");
        assertEquals("closed", open.path("settings").path("results").asText());
        host("activity.close", "q1");
        assertEquals(1, h.latest(ACTIVITY).path("results").path("counts").path("yes").asLong());

        create("\"activity\":\"q2\",\"kind\":\"choice\",\"results\":\"voted\",\"options\":"
                + "[{\"id\":\"yes\",\"label\":\"Yes\"},{\"id\":\"no\",\"label\":\"No\"}]");
        host("activity.open", "q2");
        h.participant("p-1", "{\"type\":\"poll.vote\",\"activity\":\"q2\",\"round\":1,\"choices\":[\"no\"]}");
        ObjectNode voted = h.latest("engage:" + CODE + ":a:q2");
        assertEquals(1, voted.path("results").path("counts").path("no").asLong(), "voted: in the snapshot");
    }

    @Test
    void anAcceptedResponseUpdatesTheParticipantsOwnState() {
        h.createEvent("Keynote");
        choice("q1");
        host("activity.open", "q1");
        h.drainAll();
        vote("p-1", 1, "no");
        h.tick();
        List<Harness.Out> you = h.take(h.config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":p-1")
                && o.value().path("type").asText().equals("you"));
        assertEquals(1, you.size());
        assertEquals("no", you.get(0).value().path("votes").path("q1").path("choices").get(0).asText());
        assertTrue(you.get(0).value().path("seq").asLong() > 0);
    }

    /**
     * The sender's own state goes out with their reply, in the command's transaction: no publish pass to
     * wait for and no dirty mark in the store (a changelog record, and its delete another). Each render
     * sees the activity as it is now, after a host's command changed it.
     */
    @Test
    void aParticipantsOwnStateFollowsTheirReplyWithoutAMark() {
        h.createEvent("Keynote");
        choice("q1");
        host("activity.open", "q1");
        h.drainAll();
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(EngageTopology.STORE);
        for (String pid : List.of("p-1", "p-2", "p-3")) {
            String id = vote(pid, 1, "no");
            List<Harness.Out> mine = h.take(h.config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":" + pid));
            assertEquals(List.of("reply", "you"), mine.stream().map(o -> o.value().path("type").asText()).toList(),
                    pid + ": without a tick");
            assertEquals(id, mine.get(0).value().path("id").asText());
            JsonNode q1 = mine.get(1).value().path("votes").path("q1");
            assertEquals("no", q1.path("choices").get(0).asText());
            assertEquals(1, q1.path("round").asInt());
            assertEquals(null, store.get("#dirty|engage-me:" + CODE + ":" + pid), pid + ": no mark");
        }
        String refused = vote("p-1", 1, "yes");
        assertEquals("already_voted", h.outcome("p-1", refused));
        assertTrue(h.take(h.config.topics().me(), o -> o.value().path("type").asText().equals("you")).isEmpty(),
                "a refused command changes nothing of its sender's");

        host("activity.rerun", "q1");
        h.drainAll();
        vote("p-1", 2, "yes");
        List<Harness.Out> you = h.take(h.config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":p-1")
                && o.value().path("type").asText().equals("you"));
        assertEquals(1, you.size());
        JsonNode q1 = you.get(0).value().path("votes").path("q1");
        assertEquals(2, q1.path("round").asInt(), "the rerun's round, not the activity as first rendered");
        assertEquals("yes", q1.path("choices").get(0).asText());
    }

    /** An event stored before {@code CODE|activities} listed the ids: its order keys still give them. */
    @Test
    void anActivityIndexWithoutIdsIsReadThroughItsOrderKeysAndListedOnTheNextCreate() {
        h.createEvent("Keynote");
        choice("q1");
        choice("q0");
        KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(EngageTopology.STORE);
        assertEquals("{\"n\":2,\"ids\":[\"q1\",\"q0\"]}",
                new String(store.get(Kv.key(CODE, "activities")), StandardCharsets.UTF_8));
        store.put(Kv.key(CODE, "activities"), "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        h.drainAll();
        h.host("{\"type\":\"event.configure\",\"title\":\"Keynote 2\"}");
        assertEquals(List.of("q1", "q0"), ids(h.latest("engage:" + CODE)));
        choice("a9");
        assertEquals(List.of("q1", "q0", "a9"), ids(h.latest("engage:" + CODE)));
        assertEquals("{\"n\":3,\"ids\":[\"q1\",\"q0\",\"a9\"]}",
                new String(store.get(Kv.key(CODE, "activities")), StandardCharsets.UTF_8));
    }

    private static List<String> ids(ObjectNode event) {
        List<String> out = new java.util.ArrayList<>();
        event.path("activities").forEach(a -> out.add(a.path("id").asText()));
        return out;
    }

    @Test
    void aParticipantWhoJoinsWhileABreakoutIsOpenGetsARoomAndARejoinHearsItAgain() {
        h.createEvent("Keynote");
        for (String pid : List.of("p-1", "p-2", "p-3")) {
            h.participant(pid, "{\"type\":\"participant.join\",\"name\":\"" + pid + "\"}");
        }
        h.host("{\"type\":\"breakout.open\",\"rooms\":2,\"assign\":\"even\"}");
        h.drainAll();

        String late = h.participant("p-late", "{\"type\":\"participant.join\",\"name\":\"Late\"}");
        assertEquals("ok", h.outcome("p-late", late));
        List<Harness.Out> rooms = h.take(h.config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":p-late")
                && o.value().path("type").asText().equals("room"));
        assertEquals(1, rooms.size(), "the late joiner is told their room");
        assertEquals(2, rooms.get(0).value().path("room").asInt(), "the smallest room (p-1, p-3 in 1; p-2 in 2)");
        assertEquals(2, rooms.get(0).value().path("rooms").asInt());
        assertEquals(List.of(2, 2), sizes(h.latest("engage:" + CODE)));

        h.participant("p-late", "{\"type\":\"participant.join\",\"name\":\"Late again\"}");
        List<Harness.Out> again = h.take(h.config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":p-late")
                && o.value().path("type").asText().equals("room"));
        assertEquals(1, again.size());
        assertEquals(2, again.get(0).value().path("room").asInt(), "a rejoin keeps the room");
        h.host("{\"type\":\"breakout.close\"}");
        h.drainAll();
        h.participant("p-after", "{\"type\":\"participant.join\",\"name\":\"After\"}");
        assertTrue(h.take(h.config.topics().me(), o -> o.value().path("type").asText().equals("room")).isEmpty(),
                "no room once the breakout is closed");
    }

    @Test
    void aNewRoundDeletesThePreviousRoundsStateInTheBackgroundABoundedNumberOfKeysPerInterval() {
        h.createEvent("Keynote");
        choice("q1");
        host("activity.open", "q1");
        vote("p-1", 1, "yes");
        vote("p-2", 1, "no");
        var store = h.driver.<String, byte[]>getKeyValueStore(EngageTopology.STORE);
        // A large first round: more responses than one run deletes.
        int many = EngageProcessor.FORGET_PER_RUN + 10;
        for (int i = 0; i < many; i++) {
            store.put(Kv.key(CODE, "resp", "q1", "1", "p-x" + i), "{}".getBytes(StandardCharsets.UTF_8));
        }
        long round1 = count(Kv.key(CODE, "resp", "q1", "1", "")) + count(Kv.key(CODE, "tally", "q1", "1", ""));
        assertEquals(many + 3, round1, "2 votes, the extra responses, one tally");

        host("activity.rerun", "q1");
        vote("p-1", 2, "no");
        h.tick();
        long left = count(Kv.key(CODE, "resp", "q1", "1", "")) + count(Kv.key(CODE, "tally", "q1", "1", ""));
        assertEquals(round1 - EngageProcessor.FORGET_PER_RUN, left, "one interval deletes at most its budget");
        h.tick();
        assertEquals(0, count(Kv.key(CODE, "resp", "q1", "1", "")) + count(Kv.key(CODE, "tally", "q1", "1", "")));
        assertEquals(0, count("#forget|"), "nothing left to do");
        assertEquals(round1, h.counter("chorus.ingest.state.forgotten"));
        assertEquals(1, count(Kv.key(CODE, "resp", "q1", "2", "")), "the new round is untouched");
        ObjectNode s = h.latest(ACTIVITY);
        assertEquals(2, s.path("round").asInt());
        assertEquals(1, s.path("results").path("counts").path("no").asLong());
        assertEquals(0, s.path("results").path("counts").path("yes").asLong());
    }

    @Test
    void aQuizRerunDeletesTheOldRoundsAnswersAndStandings() {
        h.createEvent("Keynote");
        create("\"activity\":\"qz\",\"kind\":\"quiz\",\"questions\":[{\"text\":\"2+2?\",\"options\":"
                + "[{\"id\":\"a\",\"label\":\"4\"},{\"id\":\"b\",\"label\":\"5\"}],\"correct\":\"a\","
                + "\"timeLimitMs\":20000}]");
        host("activity.open", "qz");
        host("quiz.next", "qz");
        String answer = h.participant("p-1", "{\"type\":\"quiz.answer\",\"activity\":\"qz\",\"round\":1,"
                + "\"question\":0,\"choice\":\"a\"}");
        assertEquals("ok", h.outcome("p-1", answer));
        host("quiz.reveal", "qz");
        assertTrue(count(Kv.key(CODE, "quiz", "qz", "1", "")) > 0);
        host("activity.rerun", "qz");
        h.tick();
        assertEquals(0, count(Kv.key(CODE, "quiz", "qz", "1", "")));
        assertEquals("qz", h.latest("engage:" + CODE + ":a:qz").path("id").asText(), "the activity itself stays");
    }

    private long count(String prefix) {
        long n = 0;
        try (var it = h.driver.<String, byte[]>getKeyValueStore(EngageTopology.STORE)
                .prefixScan(prefix, new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static List<Integer> sizes(JsonNode event) {
        List<Integer> out = new java.util.ArrayList<>();
        event.path("breakout").path("sizes").forEach(n -> out.add(n.asInt()));
        return out;
    }

    private JsonNode readJson(String key) {
        try {
            byte[] v = (byte[]) h.driver.getKeyValueStore(EngageTopology.STORE).get(key);
            return Harness.JSON.readTree(v);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
