package io.chorus.ingest.engage.social.breakout;

import static io.chorus.ingest.engage.social.Stage.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.RecordingEffects.Sent;
import io.chorus.ingest.engage.social.SocialConfig;
import io.chorus.ingest.engage.social.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BreakoutRulesTest {

    private static Stage withParticipants(int n) {
        Stage s = new Stage().event();
        for (int i = 0; i < n; i++) {
            s.join(String.format("p-%02d", i), "N" + i);
        }
        return s;
    }

    private static String open(int rooms, String assign) {
        return "{\"type\":\"breakout.open\",\"rooms\":" + rooms + ",\"assign\":\"" + assign + "\"}";
    }

    private static Map<String, Integer> rooms(Stage s) {
        Map<String, Integer> out = new TreeMap<>();
        String prefix = Room.prefix(CODE);
        s.kv.scan(prefix, Room.class, (k, r) -> out.put(k.substring(prefix.length()), r.room()));
        return out;
    }

    private static Map<String, Integer> openRandom(String commandId) {
        Stage s = withParticipants(20);
        s.apply(s.command(Role.HOST, "h", commandId, 1, open(4, "random")));
        return rooms(s);
    }

    @Test
    void evenAssignmentGoesRoundRobinInIdOrderAndTellsEachParticipant() {
        Stage s = withParticipants(5);
        s.staff(Role.HOST, 900, open(2, "even"));
        assertEquals(Map.of("p-00", 1, "p-01", 2, "p-02", 1, "p-03", 2, "p-04", 1), rooms(s));
        List<Sent> sent = s.effects.takeAllSent();
        assertEquals(5, sent.size());
        assertEquals(Channels.me(CODE, "p-01"), sent.get(1).channel());
        s.assertJson("{\"type\":\"room\",\"room\":2,\"rooms\":2}", sent.get(1).message());
        s.assertJson("{\"open\":true,\"rooms\":2,\"activity\":null,\"assign\":\"even\",\"at\":900,\"sizes\":[3,2]}",
                s.kv.get(BreakoutState.key(CODE), ObjectNode.class));
        assertEquals(Set.of(Channels.event(CODE)), s.effects.takeChanged());
    }

    @Test
    void randomAssignmentIsTheSameForTheSameCommandIdAndBalanced() {
        Map<String, Integer> first = openRandom("cmd-42");
        assertEquals(first, openRandom("cmd-42"));
        assertNotEquals(first, openRandom("cmd-43"));
        int[] sizes = new int[4];
        first.values().forEach(r -> sizes[r - 1]++);
        assertEquals(List.of(5, 5, 5, 5), List.of(sizes[0], sizes[1], sizes[2], sizes[3]));
        assertNotEquals(Assignment.even(new ArrayList<>(first.keySet()), 4), first, "a shuffle, not round robin");
    }

    @Test
    void chosenAssignmentKeepsTheChoicesAndFillsTheSmallestRoomsWithTheRest() {
        Stage s = withParticipants(4);
        s.staff(Role.HOST, 1, "{\"type\":\"breakout.open\",\"rooms\":3,\"assign\":\"chosen\","
                + "\"assignments\":{\"p-03\":1,\"p-01\":1}}");
        assertEquals(Map.of("p-00", 2, "p-01", 1, "p-02", 3, "p-03", 1), rooms(s));
    }

    @Test
    void chosenAssignmentsMustNameJoinedParticipantsAndExistingRooms() {
        Stage s = withParticipants(2);
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 1,
                "{\"type\":\"breakout.open\",\"rooms\":2,\"assign\":\"chosen\",\"assignments\":{\"p-00\":3}}"));
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 1,
                "{\"type\":\"breakout.open\",\"rooms\":2,\"assign\":\"chosen\",\"assignments\":{\"p-99\":1}}"));
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 1,
                "{\"type\":\"breakout.open\",\"rooms\":2,\"assign\":\"chosen\",\"assignments\":{\"p-00\":\"1\"}}"));
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 1, open(2, "chosen")));
    }

    @Test
    void openIsRefusedForBadInputForNonHostsAndWhileOpen() {
        Stage s = new Stage(Stage.limits(1000, 3, 5, 10_000), SocialConfig.defaults()).event().join("p-1", "Ada");
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 1, open(0, "even")));
        s.refused(EngageError.LIMIT_REACHED, s.command(Role.HOST, "h", 1, open(4, "even")));
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 1, open(2, "alphabetical")));
        s.refused(EngageError.UNKNOWN_ACTIVITY, s.command(Role.HOST, "h", 1,
                "{\"type\":\"breakout.open\",\"rooms\":2,\"assign\":\"even\",\"activity\":\"nope\"}"));
        s.refused(EngageError.FORBIDDEN, s.command(Role.MODERATOR, "m", 1, open(2, "even")));
        s.refused(EngageError.FORBIDDEN, s.command(Role.PRESENTER, "d", 1, open(2, "even")));
        s.refused(EngageError.FORBIDDEN, s.command(Role.PARTICIPANT, "p-1", 1, open(2, "even")));
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 1, "{\"type\":\"breakout.close\"}"));
        s.staff(Role.HOST, 2, open(3, "even"));
        s.refused(EngageError.INVALID_COMMAND, s.command(Role.HOST, "h", 3, open(2, "even")));
        new Stage().refused(EngageError.UNKNOWN_EVENT, s.command(Role.HOST, "h", 1, open(2, "even")));
    }

    @Test
    void theActivityRunInEveryRoomIsStored() {
        Stage s = withParticipants(2);
        s.kv.put(Activity.key(CODE, "pulse"), s.obj("{\"id\":\"pulse\"}"));
        s.staff(Role.HOST, 1, "{\"type\":\"breakout.open\",\"rooms\":2,\"assign\":\"even\",\"activity\":\"pulse\"}");
        assertEquals("pulse", s.kv.get(BreakoutState.key(CODE), BreakoutState.class).activity());
    }

    @Test
    void closeBringsEveryoneBackAndTellsThem() {
        Stage s = withParticipants(3);
        s.staff(Role.HOST, 1, open(2, "even"));
        s.effects.takeAllSent();
        s.effects.takeChanged();
        s.staff(Role.HOST, 5000, "{\"type\":\"breakout.close\"}");
        assertEquals(Map.of(), rooms(s));
        List<Sent> sent = s.effects.takeAllSent();
        assertEquals(List.of(Channels.me(CODE, "p-00"), Channels.me(CODE, "p-01"), Channels.me(CODE, "p-02")),
                sent.stream().map(Sent::channel).toList());
        s.assertJson("{\"type\":\"room\",\"room\":null}", sent.get(0).message());
        BreakoutState closed = s.kv.get(BreakoutState.key(CODE), BreakoutState.class);
        assertEquals(false, closed.open());
        assertEquals(5000, closed.at());
        assertEquals(Set.of(Channels.event(CODE)), s.effects.takeChanged());
        s.staff(Role.HOST, 6000, open(3, "even"));
    }

    @Test
    void roomChatFollowsTheBreakout() {
        Stage s = withParticipants(2);
        s.staff(Role.HOST, 1, open(2, "even"));
        s.as("p-01", 2, "{\"type\":\"chat.send\",\"text\":\"hi room\",\"room\":2}");
        s.staff(Role.HOST, 3, "{\"type\":\"breakout.close\"}");
        s.refused(EngageError.NOT_IN_ROOM, "p-01", 4, "{\"type\":\"chat.send\",\"text\":\"still here?\",\"room\":2}");
    }

    @Test
    void aLateJoinerGoesToTheSmallestRoomAndARejoinHearsTheSameRoom() {
        Stage s = withParticipants(3);
        Engagement ctx = new Engagement(s.kv, s.effects, s.limits, s.json, 10);
        assertNull(Breakout.assignLate(CODE, "p-00", ctx));
        s.staff(Role.HOST, 1, open(2, "even"));
        s.effects.takeAllSent();
        s.effects.takeChanged();

        s.join("p-late", "Late");
        assertEquals(2, Breakout.assignLate(CODE, "p-late", ctx));
        s.assertJson("{\"type\":\"room\",\"room\":2,\"rooms\":2}", s.effects.takeSent().message());
        assertEquals(List.of(2, 2), s.kv.get(BreakoutState.key(CODE), BreakoutState.class).sizes());
        assertEquals(Set.of(Channels.event(CODE)), s.effects.takeChanged());

        s.join("p-later", "Later");
        assertEquals(1, Breakout.assignLate(CODE, "p-later", ctx));
        s.effects.takeSent();
        s.effects.takeChanged();

        long writes = s.kv.writes();
        assertEquals(2, Breakout.assignLate(CODE, "p-late", ctx));
        assertEquals(writes, s.kv.writes(), "a rejoin changes nothing");
        assertEquals(Channels.me(CODE, "p-late"), s.effects.takeSent().channel());
        s.effects.assertNothingElse();
    }

    @Test
    void everyJoinedParticipantIsAssignedUpToTheLimitOfRooms() {
        Stage s = withParticipants(60);
        s.staff(Role.HOST, 1, open(50, "random"));
        Map<String, Integer> r = rooms(s);
        assertEquals(60, r.size());
        assertTrue(r.values().stream().allMatch(n -> n >= 1 && n <= 50));
        List<Integer> sizes = s.kv.get(BreakoutState.key(CODE), BreakoutState.class).sizes();
        assertEquals(60, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(sizes.stream().allMatch(n -> n == 1 || n == 2), sizes.toString());
    }
}
