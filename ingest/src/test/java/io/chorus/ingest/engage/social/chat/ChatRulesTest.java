package io.chorus.ingest.engage.social.chat;

import static io.chorus.ingest.engage.social.Stage.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.Participants;
import io.chorus.ingest.engage.social.RecordingEffects.Sent;
import io.chorus.ingest.engage.social.SocialConfig;
import io.chorus.ingest.engage.social.SocialMetrics;
import io.chorus.ingest.engage.social.Stage;
import io.chorus.ingest.engage.social.breakout.Room;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRulesTest {

    private final Stage stage = new Stage(Limits.defaults(), SocialConfig.defaults().withBlockedWords(List.of("spam", "buy now")))
            .event().join("p-1", "Ada").join("p-2", "Bo");

    private static String say(String text) {
        return "{\"type\":\"chat.send\",\"text\":\"" + text + "\"}";
    }

    private static String sayIn(int room, String text) {
        return "{\"type\":\"chat.send\",\"text\":\"" + text + "\",\"room\":" + room + "}";
    }

    private Stage slow(long ms) {
        return new Stage().event("{\"chat\":{\"enabled\":true,\"slowModeMs\":" + ms + "}}").join("p-1", "Ada").join("p-2", "Bo");
    }

    @Test
    void anAcceptedMessageGoesOutAtOnceOnTheEventChat() {
        String id = stage.as("p-1", 1234, say(" hello all "));
        Sent sent = stage.effects.takeSent();
        assertEquals(Channels.chat(CODE, null), sent.channel());
        stage.assertJson("{\"type\":\"chat\",\"id\":\"" + id + "\",\"participant\":\"p-1\",\"name\":\"Ada\","
                + "\"text\":\"hello all\",\"at\":1234}", sent.message());
        stage.effects.assertNothingElse();
        assertEquals(1.0, stage.counted(SocialMetrics.Event.CHAT_SENT));
    }

    @Test
    void aRoomMessageNeedsTheSendersOwnRoom() {
        stage.refused(EngageError.NOT_IN_ROOM, "p-1", 1, sayIn(2, "anyone?"));
        stage.kv.put(Room.key(CODE, "p-1"), new Room(2));
        stage.kv.put(Room.key(CODE, "p-2"), new Room(3));
        stage.refused(EngageError.NOT_IN_ROOM, "p-2", 2, sayIn(2, "let me in"));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 2, sayIn(0, "room zero"));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 2, "{\"type\":\"chat.send\",\"text\":\"x\",\"room\":\"2\"}");
        stage.as("p-1", 3, sayIn(2, "room two"));
        assertEquals(Channels.chat(CODE, 2), stage.effects.takeSent().channel());
        stage.as("p-1", 4, say("main"));
        assertEquals(Channels.chat(CODE, null), stage.effects.takeSent().channel());
    }

    @Test
    void slowModeCountsFromTheLastAcceptedMessageByRecordTime() {
        Stage s = slow(2000);
        s.as("p-1", 10_000, say("one"));
        Refusal r = s.refused(EngageError.SLOW_MODE, "p-1", 10_500, say("too soon"));
        assertEquals(1500, r.retryAfterMs());
        r = s.refused(EngageError.SLOW_MODE, "p-1", 11_999, say("still too soon"));
        assertEquals(1, r.retryAfterMs());
        s.as("p-2", 10_500, say("another participant is not slowed"));
        s.as("p-1", 12_000, say("two"));
        assertEquals(3, s.effects.takeAllSent().size());
    }

    @Test
    void aTimestampFromTheFutureNeverAsksToWaitLongerThanTheSlowMode() {
        Stage s = slow(2000);
        s.as("p-1", 10_000, say("one"));
        Refusal r = s.refused(EngageError.SLOW_MODE, "p-1", 9_000, say("an earlier clock"));
        assertEquals(2000, r.retryAfterMs());
    }

    @Test
    void aRefusedMessageDoesNotRestartTheSlowModeClock() {
        Stage s = new Stage(Limits.defaults(), SocialConfig.defaults().withBlockedWords(List.of("spam")));
        s.event("{\"chat\":{\"slowModeMs\":1000}}").join("p-1", "Ada");
        s.as("p-1", 0, say("first"));
        s.refused(EngageError.MODERATED, "p-1", 1000, say("spam"));
        s.as("p-1", 1001, say("allowed: the filtered one did not count"));
        assertEquals(2, s.effects.takeAllSent().size());
    }

    @Test
    void theFilterRefusesBlockedWordsAsWholeWordsInAnyCase() {
        stage.refused(EngageError.MODERATED, "p-1", 1, say("this is SPAM!"));
        stage.refused(EngageError.MODERATED, "p-1", 2, say("Buy   now, cheap"));
        stage.as("p-1", 3, say("spammers are not welcome"));
        assertEquals(1, stage.effects.takeAllSent().size());
    }

    @Test
    void aPluggedFilterDecidesInsteadOfTheDefault() {
        ChatFilter noDigits = text -> text.chars().anyMatch(Character::isDigit) ? "no numbers please" : null;
        Stage s = new Stage(Limits.defaults(), SocialConfig.defaults(), noDigits).event().join("p-1", "Ada");
        Refusal r = s.refused(EngageError.MODERATED, "p-1", 1, say("call 555"));
        assertEquals("no numbers please", r.getMessage());
        assertEquals(1.0, s.counted(SocialMetrics.Event.CHAT_FILTERED));
        s.as("p-1", 2, say("call me"));
    }

    @Test
    void chatIsRefusedWhenOffToTheBannedToStrangersAndForBadText() {
        Stage off = new Stage().event("{\"chat\":{\"enabled\":false}}").join("p-1", "Ada");
        off.refused(EngageError.ACTIVITY_NOT_OPEN, "p-1", 1, say("hello"));
        stage.kv.put(Participants.banKey(CODE, "p-2"), stage.obj("{\"at\":1,\"by\":\"m\"}"));
        stage.refused(EngageError.BANNED, "p-2", 1, say("let me speak"));
        stage.refused(EngageError.INVALID_COMMAND, "p-9", 1, say("who am I"));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, say(" "));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, say("x".repeat(501)));
        stage.refused(EngageError.INVALID_COMMAND, "p-1", 1, "{\"type\":\"chat.send\",\"text\":5}");
        new Stage().refused(EngageError.UNKNOWN_EVENT, "p-1", 1, say("no event"));
        stage.as("p-1", 2, say("x".repeat(500)));
    }

    @Test
    void twoParticipantsUsingTheSameCommandIdSendTwoMessagesAndARetrySendsNone() {
        stage.apply(stage.command(Role.PARTICIPANT, "p-1", "m-1", 1, say("a")));
        stage.apply(stage.command(Role.PARTICIPANT, "p-2", "m-1", 2, say("b")));
        stage.apply(stage.command(Role.PARTICIPANT, "p-2", "m-1", 3, say("b")));
        List<Sent> sent = stage.effects.takeAllSent();
        assertEquals(List.of("m-1", "m-1/p-2"), sent.stream().map(s -> s.message().get("id").asText()).toList());
    }

    @Test
    void aModeratorDeletesAMessageOnTheChannelItWentTo() {
        stage.kv.put(Room.key(CODE, "p-2"), new Room(4));
        String main = stage.as("p-1", 1, say("main"));
        String inRoom = stage.as("p-2", 2, sayIn(4, "room"));
        stage.effects.takeAllSent();
        stage.staff(Role.MODERATOR, 3, "{\"type\":\"chat.delete\",\"message\":\"" + inRoom + "\"}");
        Sent d = stage.effects.takeSent();
        assertEquals(Channels.chat(CODE, 4), d.channel());
        stage.assertJson("{\"type\":\"chat.deleted\",\"id\":\"" + inRoom + "\"}", d.message());
        stage.staff(Role.HOST, 4, "{\"type\":\"chat.delete\",\"message\":\"" + main + "\"}");
        assertEquals(Channels.chat(CODE, null), stage.effects.takeSent().channel());
        stage.effects.assertNothingElse();
        assertEquals(2.0, stage.counted(SocialMetrics.Event.CHAT_DELETED));

        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "m", 5,
                "{\"type\":\"chat.delete\",\"message\":\"" + main + "\"}"));
        stage.refused(EngageError.INVALID_COMMAND, stage.command(Role.MODERATOR, "m", 5,
                "{\"type\":\"chat.delete\",\"message\":\"never-sent\"}"));
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PARTICIPANT, "p-1", 5,
                "{\"type\":\"chat.delete\",\"message\":\"" + main + "\"}"));
        stage.refused(EngageError.FORBIDDEN, stage.command(Role.PRESENTER, "d", 5,
                "{\"type\":\"chat.delete\",\"message\":\"" + main + "\"}"));
    }

    @Test
    void onlyTheLastMessagesCanBeDeletedAndTheirRecordStaysBounded() {
        Stage s = new Stage(Limits.defaults(), new SocialConfig(List.of(), 3, 20, 1000, 500, 3_600_000))
                .event().join("p-1", "Ada");
        String first = s.as("p-1", 1, say("1"));
        for (int i = 2; i <= 10; i++) {
            s.as("p-1", i, say(Integer.toString(i)));
        }
        String last = s.as("p-1", 11, say("11"));
        assertTrue(s.kv.keys(CODE + "|chat|msg|").size() == 3, s.kv.keys(CODE + "|chat|").toString());
        assertEquals(3, s.kv.keys(CODE + "|chat|slot|").size());
        assertEquals(8.0, s.counted(SocialMetrics.Event.CHAT_RECORD_EVICTED));
        s.effects.takeAllSent();
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.MODERATOR, "m", 12,
                "{\"type\":\"chat.delete\",\"message\":\"" + first + "\"}"));
        s.staff(Role.MODERATOR, 13, "{\"type\":\"chat.delete\",\"message\":\"" + last + "\"}");
        assertEquals(last, s.effects.takeSent().message().get("id").asText());
    }
}
