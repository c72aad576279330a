package io.chorus.ingest.engage.quiz;

import static io.chorus.ingest.engage.quiz.QuizFixture.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuizDefinitionTest {

    private final QuizKind kind = new QuizKind();
    private final Limits limits = Limits.defaults();

    private static ObjectNode valid() {
        return QuizFixture.create(new String[] {"A", "B"}, new long[] {10_000, 20_000}, "red", "blue");
    }

    private static ObjectNode q0(ObjectNode c) {
        return (ObjectNode) c.get("questions").get(0);
    }

    private static ObjectNode option(ObjectNode c, int i) {
        return (ObjectNode) q0(c).get("options").get(i);
    }

    @Test
    void keepsOnlyTheQuizFieldsTrimmedAndNormalized() {
        ObjectNode c = valid();
        q0(c).put("text", "  Question 0  ").put("extra", 1);
        option(c, 0).put("colour", "red");
        c.put("notAQuizField", true);
        ObjectNode d = kind.define(c, limits);

        assertEquals(Stream.of("questions", "teams").toList(), iterable(d.fieldNames()));
        ObjectNode q = (ObjectNode) d.get("questions").get(0);
        assertEquals(Stream.of("text", "options", "correct", "timeLimitMs").toList(), iterable(q.fieldNames()));
        assertEquals("Question 0", q.get("text").asText());
        assertEquals(JSON.createObjectNode().put("id", "A").put("label", "Option A"), q.get("options").get(0));
        assertEquals("A", q.get("correct").asText());
        assertEquals(10_000, q.get("timeLimitMs").asLong());
        assertEquals(JSON.createArrayNode().add("red").add("blue"), d.get("teams"));
    }

    @Test
    void teamsAreOptional() {
        ObjectNode c = valid();
        c.remove("teams");
        assertEquals(JSON.createArrayNode(), kind.define(c, limits).get("teams"));
        c.putNull("teams");
        assertEquals(JSON.createArrayNode(), kind.define(c, limits).get("teams"));
    }

    @Test
    void acceptsEveryBoundary() {
        ObjectNode c = valid();
        q0(c).put("timeLimitMs", 5_000);
        ((ObjectNode) c.get("questions").get(1)).put("timeLimitMs", 300_000);
        option(c, 0).put("id", "a".repeat(32));
        q0(c).put("correct", "a".repeat(32));
        q0(c).put("text", "x".repeat(limits.textChars()));
        ArrayNode teams = c.putArray("teams");
        for (int i = 0; i < 20; i++) {
            teams.add(i == 0 ? "t".repeat(40) : "team " + i);
        }
        ObjectNode d = kind.define(c, limits);
        assertEquals(20, d.get("teams").size());
        assertEquals(2, d.get("questions").size());

        ObjectNode most = QuizFixture.create(new String[limits.quizQuestions()], new long[limits.quizQuestions()]);
        for (int i = 0; i < limits.quizQuestions(); i++) {
            ((ObjectNode) most.get("questions").get(i)).put("correct", "D").put("timeLimitMs", 5_000);
        }
        assertEquals(limits.quizQuestions(), kind.define(most, limits).get("questions").size());
    }

    @Test
    void moreQuestionsThanTheLimitIsLimitReached() {
        Limits two = new Limits(4096, 280, 300, 500, 20, 2, 200, 1000, 50, 100_000, 3, 5, 10_000);
        ObjectNode c = QuizFixture.create(new String[] {"A", "A", "A"}, new long[] {5_000, 5_000, 5_000});
        Refusal r = assertThrows(Refusal.class, () -> kind.define(c, two));
        assertEquals(EngageError.LIMIT_REACHED, r.error());
        assertTrue(r.getMessage().contains("'questions'"), r.getMessage());
        c.withArray("questions").remove(2);
        assertEquals(2, kind.define(c, two).get("questions").size());
    }

    @Test
    void moreOptionsThanTheLimitIsLimitReached() {
        Limits three = new Limits(4096, 280, 300, 500, 3, 50, 200, 1000, 50, 100_000, 3, 5, 10_000);
        ObjectNode c = valid();
        Refusal r = assertThrows(Refusal.class, () -> kind.define(c, three));
        assertEquals(EngageError.LIMIT_REACHED, r.error());
        assertTrue(r.getMessage().contains("'questions[0].options'"), r.getMessage());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("questions", c -> c.remove("questions")),
                bad("questions", c -> c.put("questions", "many")),
                bad("questions", c -> c.putArray("questions")),
                bad("questions[1]", c -> c.withArray("questions").set(1, JSON.getNodeFactory().textNode("q"))),
                bad("questions[0].text", c -> q0(c).remove("text")),
                bad("questions[0].text", c -> q0(c).put("text", "   ")),
                bad("questions[0].text", c -> q0(c).put("text", 42)),
                bad("questions[0].text", c -> q0(c).put("text", "x".repeat(281))),
                bad("questions[0].options", c -> q0(c).remove("options")),
                bad("questions[0].options", c -> q0(c).putArray("options").addObject().put("id", "A")
                        .put("label", "only one")),
                bad("questions[0].options[1]", c -> q0(c).withArray("options").set(1,
                        JSON.getNodeFactory().textNode("B"))),
                bad("questions[0].options[1].id", c -> option(c, 1).remove("id")),
                bad("questions[0].options[1].id", c -> option(c, 1).put("id", "has space")),
                bad("questions[0].options[1].id", c -> option(c, 1).put("id", "a|b")),
                bad("questions[0].options[1].id", c -> option(c, 1).put("id", "x".repeat(33))),
                bad("questions[0].options[1].id", c -> option(c, 1).put("id", "")),
                bad("questions[0].options[1].id", c -> option(c, 1).put("id", "A")),
                bad("questions[0].options[2].label", c -> option(c, 2).remove("label")),
                bad("questions[0].options[2].label", c -> option(c, 2).put("label", "x".repeat(281))),
                bad("questions[0].correct", c -> q0(c).remove("correct")),
                bad("questions[0].correct", c -> q0(c).put("correct", "E")),
                bad("questions[0].correct", c -> q0(c).put("correct", 1)),
                bad("questions[0].timeLimitMs", c -> q0(c).remove("timeLimitMs")),
                bad("questions[0].timeLimitMs", c -> q0(c).put("timeLimitMs", 4_999)),
                bad("questions[0].timeLimitMs", c -> q0(c).put("timeLimitMs", 300_001)),
                bad("questions[0].timeLimitMs", c -> q0(c).put("timeLimitMs", 10_000.5)),
                bad("questions[0].timeLimitMs", c -> q0(c).put("timeLimitMs", "10000")),
                bad("teams", c -> c.put("teams", "red")),
                bad("teams", c -> {
                    ArrayNode t = c.putArray("teams");
                    for (int i = 0; i < 21; i++) {
                        t.add("team " + i);
                    }
                }),
                bad("teams[1]", c -> c.putArray("teams").add("red").add(" red ")),
                bad("teams[0]", c -> c.putArray("teams").add("t".repeat(41))),
                bad("teams[0]", c -> c.putArray("teams").add(" ")),
                bad("teams[0]", c -> c.putArray("teams").add(7)));
    }

    private static Arguments bad(String field, Consumer<ObjectNode> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void refusesAMalformedFieldNamingIt(String field, Consumer<ObjectNode> change) {
        ObjectNode c = valid();
        kind.define(c, limits);
        change.accept(c);
        Refusal r = assertThrows(Refusal.class, () -> kind.define(c, limits));
        assertEquals(EngageError.INVALID_COMMAND, r.error(), r.getMessage());
        assertTrue(r.getMessage().contains("'" + field + "'") || r.getMessage().contains("'" + field + "."),
                r.getMessage());
        assertFalse(r.getMessage().contains("'" + field + "[") , r.getMessage());
    }

    private static java.util.List<String> iterable(java.util.Iterator<String> names) {
        java.util.List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
