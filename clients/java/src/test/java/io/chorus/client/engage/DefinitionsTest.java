package io.chorus.client.engage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Typed definitions and commands produce ENGAGE.md's fields, and refuse shapes ingest would refuse. */
class DefinitionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Option> AB = List.of(Option.of("a", "A"), Option.of("b", "B"));

    private static void invalid(Executable build) {
        EngageException e = assertThrows(EngageException.class, build);
        assertEquals(EngageErrorCode.INVALID_COMMAND, e.code());
    }

    @Test
    void aChoicePollIsTheActivityCreateCommandOfEngageMd() throws Exception {
        var poll = ActivityDefinition.choice("lunch", "Lunch?", AB).withMaxChoices(2)
                .withSettings(ActivitySettings.DEFAULT.withAllowChange(true).withResults(ActivitySettings.Visibility.CLOSED));
        assertEquals(JSON.readTree("""
                {"type":"activity.create","activity":"lunch","kind":"choice","title":"Lunch?",
                 "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"maxChoices":2,
                 "allowChange":true,"results":"closed","scope":"event"}"""), StaffCommand.create(poll).toJson());
    }

    @Test
    void everyKindWritesItsOwnFields() throws Exception {
        assertEquals(JSON.readTree("{\"min\":1,\"max\":10}").toString(),
                fields(ActivityDefinition.rating("r", "Rate", 1, 10), "min", "max"));
        assertEquals(JSON.readTree("{\"maxEntries\":5,\"moderated\":true}").toString(),
                fields(ActivityDefinition.wordCloud("w", "Words").withMaxEntries(5).withModerated(true), "maxEntries", "moderated"));
        assertEquals("{\"moderated\":false}", fields(ActivityDefinition.text("t", "Say"), "moderated"));
        assertEquals("ranking", StaffCommand.create(ActivityDefinition.ranking("k", "Rank", AB)).toJson().get("kind").asText());
        var quiz = ActivityDefinition.quiz("z", "Quiz", List.of(new QuizQuestion("2+2?", AB, "b", 20_000)))
                .withTeams(List.of("Red", "Blue"));
        assertEquals(JSON.readTree("""
                {"questions":[{"text":"2+2?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}],
                 "correct":"b","timeLimitMs":20000}],"teams":["Red","Blue"]}""").toString(),
                fields(quiz, "questions", "teams"));
    }

    private static String fields(ActivityDefinition d, String... names) {
        var all = d.toCommand();
        var out = JSON.createObjectNode();
        for (String n : names) {
            out.set(n, all.get(n));
        }
        return out.toString();
    }

    @Test
    void shapesIngestWouldRefuseFailAtOnceNamingTheField() {
        invalid(() -> ActivityDefinition.choice("bad id", "T", AB));
        invalid(() -> ActivityDefinition.choice("x".repeat(33), "T", AB));
        invalid(() -> ActivityDefinition.choice("q", " ", AB));
        invalid(() -> ActivityDefinition.choice("q", "T", List.of(Option.of("a", "A"))));
        invalid(() -> ActivityDefinition.choice("q", "T", List.of(Option.of("a", "A"), Option.of("a", "B"))));
        invalid(() -> ActivityDefinition.choice("q", "T", AB).withMaxChoices(3));
        invalid(() -> ActivityDefinition.rating("r", "T", 5, 5));
        invalid(() -> ActivityDefinition.rating("r", "T", 0, 101));
        invalid(() -> ActivityDefinition.wordCloud("w", "T").withMaxEntries(11));
        invalid(() -> new QuizQuestion("Q", AB, "c", 20_000));
        invalid(() -> new QuizQuestion("Q", AB, "a", 4_999));
        invalid(() -> ActivityDefinition.quiz("z", "T", List.of()));
        var q = new QuizQuestion("Q", AB, "a", 5_000);
        invalid(() -> ActivityDefinition.quiz("z", "T", List.of(q)).withTeams(List.of("Red", "Red")));
        invalid(() -> Option.of("a", ""));
        invalid(() -> StaffCommand.slowMode(-1));
        invalid(() -> StaffCommand.openBreakout(2, StaffCommand.Assign.EVEN, Map.of("p-1", 1), null));
        invalid(() -> StaffCommand.openBreakout(2, StaffCommand.Assign.CHOSEN, Map.of("p-1", 3), null));
        EngageException e = assertThrows(EngageException.class, () -> ActivityDefinition.choice("bad id", "T", AB));
        assertTrue(e.getMessage().contains("activity id"), e.getMessage());
    }

    @Test
    void staffCommandsCarryTheirRoleAndFields() throws Exception {
        assertEquals(StaffCommand.Role.MODERATOR, StaffCommand.moderateQuestion("q-1", null, true, null).role());
        assertEquals(JSON.readTree("{\"type\":\"qa.moderate\",\"question\":\"q-1\",\"pinned\":true}"),
                StaffCommand.moderateQuestion("q-1", null, true, null).toJson());
        assertEquals(JSON.readTree("{\"type\":\"event.current\",\"activity\":null}"), StaffCommand.current(null).toJson());
        assertEquals(JSON.readTree("{\"type\":\"breakout.open\",\"rooms\":2,\"assign\":\"chosen\","
                        + "\"assignments\":{\"p-1\":2},\"activity\":\"q1\"}"),
                StaffCommand.openBreakout(2, StaffCommand.Assign.CHOSEN, Map.of("p-1", 2), "q1").toJson());
        assertEquals(JSON.readTree("{\"type\":\"event.configure\",\"title\":\"T\",\"reactions\":[\"👍\"],"
                        + "\"chat\":{\"enabled\":true,\"slowModeMs\":0},\"qa\":{\"enabled\":true,\"moderated\":false}}").toString(),
                StaffCommand.configure(EventSettings.titled("T").withReactions(List.of("👍"))
                        .withChat(new EventSettings.Chat(true, 0)).withQa(new EventSettings.Qa(true, false))).toJson().toString());
        var c = StaffCommand.open("q1");
        c.toJson().put("activity", "changed");
        assertEquals("q1", c.toJson().get("activity").asText(), "a command cannot be changed through its JSON");
    }
}
