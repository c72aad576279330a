package io.chorus.ingest.engage.social.qa;

import static io.chorus.ingest.engage.social.Stage.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.SocialConfig;
import io.chorus.ingest.engage.social.SocialMetrics;
import io.chorus.ingest.engage.social.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QaRulesTest {

    private final Stage stage = new Stage().event().join("p-1", "Ada").join("p-2", "Bo").join("p-3", "Cy");

    private static String ask(String text) {
        return "{\"type\":\"qa.ask\",\"text\":\"" + text + "\"}";
    }

    private static String upvote(String q, boolean on) {
        return "{\"type\":\"qa.upvote\",\"question\":\"" + q + "\",\"on\":" + on + "}";
    }

    private JsonNode questions() {
        return stage.render(Channels.qa(CODE)).get("questions");
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        questions().forEach(q -> ids.add(q.get("id").asText()));
        return ids;
    }

    @Test
    void anUnmoderatedQuestionIsPublishedAtOnceWithoutItsAuthor() {
        String q = stage.as("p-1", 1000, ask("  Why Kafka?  "));
        assertEquals(Set.of(Channels.qa(CODE)), stage.effects.takeChanged());
        ObjectNode snap = stage.render(Channels.qa(CODE));
        stage.assertJson("{\"type\":\"qa\",\"questions\":[{\"id\":\"" + q + "\",\"text\":\"Why Kafka?\","
                + "\"upvotes\":0,\"pinned\":false,\"answered\":false,\"at\":1000}]}", snap);
        assertEquals(1.0, stage.counted(SocialMetrics.Event.QUESTION_ASKED));
    }

    @Test
    void aNamedQuestionShowsItsAuthorsName() {
        stage.as("p-1", 1000, "{\"type\":\"qa.ask\",\"text\":\"Hi\",\"anonymous\":false}");
        assertEquals("Ada", questions().get(0).get("author").asText());
    }

    @Test
    void aModeratedQaHoldsQuestionsForModeratorsWithTheirAuthor() {
        Stage s = new Stage().event("{\"qa\":{\"enabled\":true,\"moderated\":true}}").join("p-1", "Ada");
        String q = s.as("p-1", 1000, ask("Pending?"));
        assertEquals(Set.of(Channels.moderation(CODE)), s.effects.takeChanged());
        assertEquals(0, s.render(Channels.qa(CODE)).get("questions").size());
        JsonNode pending = s.render(Channels.moderation(CODE)).get("questions");
        assertEquals(1, pending.size());
        assertEquals(q, pending.get(0).get("id").asText());
        assertEquals("p-1", pending.get(0).get("participant").asText());
        assertEquals("Ada", pending.get(0).get("name").asText());
        assertEquals(true, pending.get(0).get("anonymous").asBoolean());

        s.staff(Role.MODERATOR, 2000, "{\"type\":\"qa.moderate\",\"question\":\"" + q + "\",\"status\":\"published\"}");
        assertEquals(Set.of(Channels.qa(CODE), Channels.moderation(CODE)), s.effects.takeChanged());
        assertEquals(q, s.render(Channels.qa(CODE)).get("questions").get(0).get("id").asText());
        assertEquals(0, s.render(Channels.moderation(CODE)).get("questions").size());
    }

    @Test
    void askIsRefusedWhenTheQaIsOffOrTheTextIsEmptyOrTooLong() {
        Stage off = new Stage().event("{\"qa\":{\"enabled\":false,\"moderated\":false}}").join("p-1", "Ada");
        off.refused(EngageError.ACTIVITY_NOT_OPEN, "p-1", 1, ask("hello"));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, ask("   "));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, ask("x".repeat(301)));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, "{\"type\":\"qa.ask\"}");
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, "{\"type\":\"qa.ask\",\"text\":\"a\",\"anonymous\":\"no\"}");
        stage.refused(EngageError.INVALID_COMMAND, "p-9", 1, ask("who am I"));
        new Stage().refused(EngageError.UNKNOWN_EVENT, "p-1", 1, ask("no event"));
        // 300 emoji are 600 UTF-16 units but 300 characters: accepted.
        stage.as("p-1", 1, ask("🙂".repeat(300)));
    }

    @Test
    void theEventsQuestionLimitAndTheParticipantsLimitAreEnforced() {
        Stage s = new Stage(Stage.limits(3, 50, 5, 10_000),
                new SocialConfig(List.of(), 10_000, 2, 1000, 500, 3_600_000))
                .event().join("p-1", "Ada").join("p-2", "Bo");
        s.as("p-1", 1, ask("one"));
        s.as("p-1", 2, ask("two"));
        s.refused(EngageError.LIMIT_REACHED, "p-1", 3, ask("three"));
        s.as("p-2", 4, ask("three"));
        s.refused(EngageError.LIMIT_REACHED, "p-2", 5, ask("four"));
        assertEquals(3, s.render(Channels.qa(CODE)).get("questions").size());
    }

    @Test
    void twoParticipantsUsingTheSameCommandIdAskTwoQuestionsAndARetryAsksNone() {
        stage.apply(stage.command(Role.PARTICIPANT, "p-1", "m-1", 1, ask("first")));
        stage.apply(stage.command(Role.PARTICIPANT, "p-2", "m-1", 2, ask("second")));
        stage.apply(stage.command(Role.PARTICIPANT, "p-2", "m-1", 3, ask("second again")));
        assertEquals(List.of("m-1", "m-1/p-2"), ids());
        assertEquals("second", questions().get(1).get("text").asText());
    }

    @Test
    void upvotesCountOncePerParticipantThroughDuplicatesAndToggles() {
        String q = stage.as("p-1", 1, ask("count me"));
        stage.as("p-1", 2, upvote(q, true));
        stage.as("p-1", 3, upvote(q, true));
        stage.as("p-2", 4, upvote(q, true));
        stage.as("p-3", 5, upvote(q, false));
        assertEquals(2, questions().get(0).get("upvotes").asInt());
        stage.as("p-1", 6, upvote(q, false));
        stage.as("p-1", 7, upvote(q, false));
        assertEquals(1, questions().get(0).get("upvotes").asInt());
        stage.as("p-1", 8, upvote(q, true));
        stage.as("p-3", 9, upvote(q, true));
        assertEquals(3, questions().get(0).get("upvotes").asInt());
        assertEquals(3, stage.kv.keys(CODE + "|qa|up|" + q + "|").size());
    }

    @Test
    void anUpvoteThatChangesNothingCausesNothing() {
        String q = stage.as("p-1", 1, ask("idle"));
        stage.effects.takeChanged();
        long writes = stage.kv.writes();
        stage.as("p-2", 2, upvote(q, false));
        assertEquals(writes, stage.kv.writes());
        stage.effects.assertNothingElse();
    }

    @Test
    void onlyPublishedQuestionsCanBeUpvoted() {
        stage.refused(EngageError.UNKNOWN_QUESTION, "p-1", 1, upvote("nope", true));
        String q = stage.as("p-1", 1, ask("soon dismissed"));
        stage.staff(Role.MODERATOR, 2, "{\"type\":\"qa.moderate\",\"question\":\"" + q + "\",\"status\":\"dismissed\"}");
        stage.refused(EngageError.UNKNOWN_QUESTION, "p-2", 3, upvote(q, true));
        Stage moderated = new Stage().event("{\"qa\":{\"moderated\":true}}").join("p-1", "Ada");
        String pending = moderated.as("p-1", 1, ask("waiting"));
        moderated.refused(EngageError.UNKNOWN_QUESTION, "p-1", 2, upvote(pending, true));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 4, "{\"type\":\"qa.upvote\",\"question\":\"" + q + "\"}");
    }

    @Test
    void questionsSortPinnedFirstThenByUpvotesThenOldestFirst() {
        String a = stage.as("p-1", 10, ask("a"));
        String b = stage.as("p-1", 20, ask("b"));
        String c = stage.as("p-1", 30, ask("c"));
        String d = stage.as("p-1", 40, ask("d"));
        stage.as("p-2", 50, upvote(c, true));
        stage.as("p-3", 51, upvote(c, true));
        stage.as("p-2", 52, upvote(b, true));
        stage.as("p-2", 53, upvote(d, true));
        assertEquals(List.of(c, b, d, a), ids());
        stage.staff(Role.MODERATOR, 60, "{\"type\":\"qa.moderate\",\"question\":\"" + a + "\",\"pinned\":true,\"answered\":true}");
        assertEquals(List.of(a, c, b, d), ids());
        JsonNode first = questions().get(0);
        assertEquals(true, first.get("pinned").asBoolean());
        assertEquals(true, first.get("answered").asBoolean());
        assertEquals("published", stage.kv.get(Question.key(CODE, a), Question.class).status());
    }

    @Test
    void moderationNeedsAModeratorAKnownQuestionAndAValidChange() {
        String q = stage.as("p-1", 1, ask("moderate me"));
        String body = "{\"type\":\"qa.moderate\",\"question\":\"" + q + "\",\"status\":\"dismissed\"}";
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PARTICIPANT, "p-1", 2, body));
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PRESENTER, "s", 2, body));
        stage.refused(EngageError.UNKNOWN_QUESTION, stage.command(Role.MODERATOR, "s", 2,
                "{\"type\":\"qa.moderate\",\"question\":\"zz\",\"status\":\"dismissed\"}"));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "s", 2,
                "{\"type\":\"qa.moderate\",\"question\":\"" + q + "\",\"status\":\"pending\"}"));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "s", 2,
                "{\"type\":\"qa.moderate\",\"question\":\"" + q + "\"}"));
        stage.effects.takeChanged();
        stage.apply(stage.command(Role.HOST, "h", 3, body));
        assertEquals(List.of(), ids());
        assertEquals(Set.of(Channels.qa(CODE), Channels.moderation(CODE)), stage.effects.takeChanged());
    }

    @Test
    void theViewHoldsAtMostTheConfiguredNumberOfQuestions() {
        for (int i = 0; i < 5; i++) {
            stage.as("p-" + (i % 3 + 1), i, ask("q" + i));
        }
        Stage smaller = new Stage(Stage.limits(2, 50, 5, 10_000), SocialConfig.defaults());
        ObjectNode snap = new QaRenderer().render(Channels.qa(CODE),
                new io.chorus.ingest.engage.Engagement(stage.kv, stage.effects, smaller.limits, stage.json, 0));
        assertEquals(2, snap.get("questions").size());
    }

    @Test
    void theRendererOwnsOnlyTheQaChannel() {
        QaRenderer r = new QaRenderer();
        var ctx = new io.chorus.ingest.engage.Engagement(stage.kv, stage.effects, stage.limits, stage.json, 0);
        assertNull(r.render(Channels.event(CODE), ctx));
        assertNull(r.render(Channels.activity(CODE, "qa"), ctx));
        assertNull(r.render(Channels.reactions(CODE), ctx));
        assertFalse(r.render(Channels.qa(CODE), ctx).isNull());
    }
}
