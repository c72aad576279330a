package io.chorus.ingest.engage.quiz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.MemoryKv;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.function.Executable;

/**
 * A quiz activity of event {@code ABC234} over a {@link MemoryKv}, driven by commands the way the
 * runtime would call the kind (the runtime checks open state and round before {@code apply}).
 */
final class QuizFixture {

    static final String EVENT = "ABC234";
    static final String ACTIVITY = "quiz1";
    static final ObjectMapper JSON = new ObjectMapper();

    final QuizKind kind = new QuizKind();
    final MemoryKv kv = new MemoryKv();
    final RecordingEffects effects = new RecordingEffects();
    final Limits limits = Limits.defaults();
    private final AtomicLong ids = new AtomicLong();
    Activity activity;

    QuizFixture(ObjectNode create) {
        ObjectNode definition = kind.define(create, limits);
        activity = new Activity(EVENT, ACTIVITY, QuizKind.KIND, "Quiz", Activity.OPEN, 1, definition,
                JSON.createObjectNode().put("results", "live"), 1_000);
    }

    /** Three questions (A correct, then B, then C), time limits 10 s, 20 s, 30 s, teams red and blue. */
    static QuizFixture standard() {
        return new QuizFixture(create(new String[] {"A", "B", "C"}, new long[] {10_000, 20_000, 30_000},
                "red", "blue"));
    }

    static ObjectNode create(String[] correct, long[] limitsMs, String... teams) {
        ObjectNode c = JSON.createObjectNode().put("type", "activity.create").put("activity", ACTIVITY)
                .put("kind", "quiz").put("title", "Quiz");
        ArrayNode qs = c.putArray("questions");
        for (int i = 0; i < correct.length; i++) {
            ObjectNode q = qs.addObject().put("text", "Question " + i);
            ArrayNode options = q.putArray("options");
            for (String id : new String[] {"A", "B", "C", "D"}) {
                options.addObject().put("id", id).put("label", "Option " + id);
            }
            q.put("correct", correct[i]).put("timeLimitMs", limitsMs[i]);
        }
        ArrayNode t = c.putArray("teams");
        for (String team : teams) {
            t.add(team);
        }
        return c;
    }

    Engagement ctx(long now) {
        return new Engagement(kv, effects, limits, JSON, now);
    }

    Command command(Role role, String participant, long at, String type, ObjectNode fields) {
        ObjectNode body = fields.deepCopy().put("type", type).put("activity", ACTIVITY)
                .put("round", activity.round());
        return new Command(EVENT, role, participant, "cmd-" + ids.incrementAndGet(), at, type, body);
    }

    void answer(String participant, int question, String choice, long at) {
        Command c = command(Role.PARTICIPANT, participant, at, QuizKind.ANSWER,
                JSON.createObjectNode().put("question", question).put("choice", choice));
        kind.apply(c, activity, ctx(at));
    }

    void team(String participant, String team, long at) {
        Command c = command(Role.PARTICIPANT, participant, at, QuizKind.TEAM,
                JSON.createObjectNode().put("team", team));
        kind.apply(c, activity, ctx(at));
    }

    void next(long at) {
        kind.control(command(Role.HOST, "host", at, QuizKind.NEXT, JSON.createObjectNode()), activity, ctx(at));
    }

    void reveal(long at) {
        kind.control(command(Role.HOST, "host", at, QuizKind.REVEAL, JSON.createObjectNode()), activity, ctx(at));
    }

    void join(String participant, String name) {
        kv.put(EVENT + "|participant|" + participant, JSON.createObjectNode().put("name", name).put("joinedAt", 0));
    }

    ObjectNode snapshot() {
        return snapshot(true);
    }

    ObjectNode snapshot(boolean resultsVisible) {
        ObjectNode s = JSON.createObjectNode();
        kind.render(activity, resultsVisible, s, ctx(0));
        return s;
    }

    ObjectNode you(String participant) {
        return kind.responseOf(activity, participant, ctx(0));
    }

    /** JSON equality whatever the numbers' Java types (an int and a long 5 are both 5 on the wire). */
    static void assertJson(com.fasterxml.jackson.databind.JsonNode expected,
                           com.fasterxml.jackson.databind.JsonNode actual) {
        try {
            assertEquals(JSON.readTree(String.valueOf(expected)), JSON.readTree(String.valueOf(actual)),
                    () -> "expected " + expected + " but was " + actual);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Every key and value, in key order. */
    String dump() {
        StringBuilder out = new StringBuilder();
        kv.scan("", com.fasterxml.jackson.databind.JsonNode.class, (k, v) -> out.append(k).append('=').append(v)
                .append('\n'));
        return out.toString();
    }

    /** Asserts the command is refused with {@code code} and changes neither state nor effects. */
    Refusal refused(EngageError code, Executable command) {
        String before = dump();
        effects.clear();
        Refusal r = assertThrows(Refusal.class, command);
        assertEquals(code, r.error(), r.getMessage());
        assertEquals(before, dump(), "a refused command changed the state");
        effects.assertNone();
        return r;
    }
}
