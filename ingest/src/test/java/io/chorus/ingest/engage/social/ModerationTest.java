package io.chorus.ingest.engage.social;

import static io.chorus.ingest.engage.social.Stage.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Role;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModerationTest {

    private final Stage stage = new Stage().event().join("p-1", "Ada").join("p-2", "Bo");

    private static String ban(String pid) {
        return "{\"type\":\"participant.ban\",\"participant\":\"" + pid + "\"}";
    }

    @Test
    void aBanIsTheKeyTheRuntimeChecksAndTheModeratorsSeeIt() {
        stage.staff(Role.MODERATOR, 500, ban("p-2"));
        assertTrue(Participants.banned(CODE, "p-2", stage.kv));
        stage.assertJson("{\"at\":500,\"by\":\"staff-moderator\"}",
                stage.kv.get(Participants.banKey(CODE, "p-2"), ObjectNode.class));
        assertEquals(Set.of(Channels.moderation(CODE)), stage.effects.takeChanged());
        stage.assertJson("[{\"participant\":\"p-2\",\"name\":\"Bo\",\"at\":500,\"by\":\"staff-moderator\"}]",
                stage.render(Channels.moderation(CODE)).get("bans"));

        stage.staff(Role.MODERATOR, 600, ban("p-2"));
        assertEquals(500, stage.kv.get(Participants.banKey(CODE, "p-2"), ObjectNode.class).get("at").asLong());

        stage.staff(Role.HOST, 700, "{\"type\":\"participant.unban\",\"participant\":\"p-2\"}");
        assertFalse(Participants.banned(CODE, "p-2", stage.kv));
        assertEquals(0, stage.render(Channels.moderation(CODE)).get("bans").size());
        assertEquals(1.0, stage.counted(SocialMetrics.Event.PARTICIPANT_UNBANNED));
    }

    @Test
    void banningNeedsAModeratorAndAJoinedParticipant() {
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PARTICIPANT, "p-1", 1, ban("p-2")));
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PRESENTER, "d", 1, ban("p-2")));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "m", 1, ban("p-404")));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "m", 1, "{\"type\":\"participant.ban\"}"));
        new Stage().refused(EngageError.UNKNOWN_EVENT, new Stage().command(Role.MODERATOR, "m", 1, ban("p-2")));
    }

    @Test
    void slowModeIsWrittenIntoTheEventInPlace() {
        Stage s = new Stage().event("{\"reactions\":[\"🔥\"],\"chat\":{\"enabled\":false,\"slowModeMs\":0}}");
        s.staff(Role.MODERATOR, 1, "{\"type\":\"chat.slowmode\",\"slowModeMs\":5000}");
        ObjectNode ev = s.kv.get(EventSettings.key(CODE), ObjectNode.class);
        s.assertJson("{\"enabled\":false,\"slowModeMs\":5000}", ev.get("chat"));
        s.assertJson("[\"🔥\"]", ev.get("reactions"));
        assertEquals("Keynote", ev.get("title").asText());
        assertEquals(Set.of(Channels.event(CODE), Channels.moderation(CODE)), s.effects.takeChanged());
        assertEquals(5000, s.render(Channels.moderation(CODE)).get("chat").get("slowModeMs").asLong());
    }

    @Test
    void slowModeOutsideItsRangeIsRefused() {
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "m", 1,
                "{\"type\":\"chat.slowmode\",\"slowModeMs\":-1}"));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "m", 1,
                "{\"type\":\"chat.slowmode\",\"slowModeMs\":3600001}"));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "m", 1,
                "{\"type\":\"chat.slowmode\",\"slowModeMs\":1.5}"));
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PARTICIPANT, "p-1", 1,
                "{\"type\":\"chat.slowmode\",\"slowModeMs\":1000}"));
        stage.staff(Role.MODERATOR, 1, "{\"type\":\"chat.slowmode\",\"slowModeMs\":0}");
    }

    @Test
    void theModeratorsViewListsPendingQuestionsPollEntriesBansAndSettings() {
        Stage s = new Stage().event("{\"qa\":{\"enabled\":true,\"moderated\":true}}").join("p-1", "Ada").join("p-2", "Bo");
        s.as("p-2", 20, "{\"type\":\"qa.ask\",\"text\":\"later\",\"anonymous\":false}");
        s.as("p-1", 10, "{\"type\":\"qa.ask\",\"text\":\"earlier\"}");
        ObjectNode entry = s.obj("{\"activity\":\"wc\",\"entry\":\"e1\",\"text\":\"blue\",\"participant\":\"p-1\","
                + "\"name\":\"Ada\",\"at\":5}");
        s.kv.put(Kv.key(CODE, "pending", "wc", "e1"), entry);
        s.staff(Role.MODERATOR, 30, ban("p-1"));
        ObjectNode view = s.render(Channels.moderation(CODE));
        assertEquals("moderation", view.get("type").asText());
        JsonNode qs = view.get("questions");
        assertEquals(List.of("earlier", "later"), List.of(qs.get(0).get("text").asText(), qs.get(1).get("text").asText()));
        assertEquals("Ada", qs.get(0).get("name").asText());
        assertEquals(true, qs.get(0).get("anonymous").asBoolean());
        s.assertJson("[" + entry + "]", view.get("entries"));
        assertEquals("p-1", view.get("bans").get(0).get("participant").asText());
        s.assertJson("{\"questions\":2,\"entries\":1,\"bans\":1}", view.get("counts"));
        s.assertJson("{\"enabled\":true,\"slowModeMs\":0}", view.get("chat"));
        s.assertJson("{\"enabled\":true,\"moderated\":true}", view.get("qa"));
    }

    @Test
    void eachListOfTheViewIsBoundedAndCountsSayHowManyThereAre() {
        Stage s = new Stage(Limits.defaults(), new SocialConfig(List.of(), 10_000, 20, 1000, 2, 3_600_000))
                .event("{\"qa\":{\"moderated\":true}}");
        for (int i = 0; i < 5; i++) {
            s.join("p-" + i, "N" + i);
            s.as("p-" + i, i, "{\"type\":\"qa.ask\",\"text\":\"q" + i + "\"}");
            s.kv.put(Kv.key(CODE, "pending", "wc", "e" + i), s.obj("{\"entry\":\"e" + i + "\"}"));
            s.staff(Role.MODERATOR, 100 + i, ban("p-" + i));
        }
        ObjectNode view = s.render(Channels.moderation(CODE));
        assertEquals(2, view.get("questions").size());
        assertEquals(2, view.get("entries").size());
        assertEquals(2, view.get("bans").size());
        s.assertJson("{\"questions\":5,\"entries\":5,\"bans\":5}", view.get("counts"));
    }

    @Test
    void theViewRendererOwnsOnlyTheModerationChannel() {
        assertNull(new ModerationRenderer(SocialConfig.defaults()).render(Channels.event(CODE),
                new io.chorus.ingest.engage.Engagement(stage.kv, stage.effects, stage.limits, stage.json, 0)));
        assertNull(new ModerationRenderer(SocialConfig.defaults()).render("engage-mod:" + CODE + ":x",
                new io.chorus.ingest.engage.Engagement(stage.kv, stage.effects, stage.limits, stage.json, 0)));
    }
}
