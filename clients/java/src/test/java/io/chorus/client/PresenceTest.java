package io.chorus.client;

import static io.chorus.client.Positions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.client.PresenceEvent.Action;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Presence and occupancy against a scripted server: requests, re-enter, member lists and their diffs. */
class PresenceTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOM7 = "room:7";

    /** Presence events, lost-list notices and counts, in arrival order. */
    private static final class Heard implements PresenceListener, OccupancyListener {
        record Unavailable(String channel, long count) {
        }

        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public void onPresence(PresenceEvent event) {
            events.add(event);
        }

        @Override
        public void onMemberListUnavailable(String channel, long count) {
            events.add(new Unavailable(channel, count));
        }

        @Override
        public void onOccupancy(Occupancy occupancy) {
            events.add(occupancy);
        }

        <T> T next(Class<T> type) throws InterruptedException {
            Object e = events.poll(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(e != null, "no " + type.getSimpleName());
            return assertInstanceOf(type, e, "unexpected " + e);
        }

        PresenceEvent expect(Action action, String clientId) throws InterruptedException {
            PresenceEvent e = next(PresenceEvent.class);
            assertEquals(action, e.action(), e.toString());
            assertEquals(clientId, e.member().clientId(), e.toString());
            return e;
        }

        void assertExhausted() {
            assertTrue(events.isEmpty(), "unexpected " + events);
        }
    }

    private static ObjectNode member(String clientId, String name, long updatedAt) {
        ObjectNode m = JSON.createObjectNode().put("clientId", clientId).put("updatedAt", updatedAt);
        if (name == null) {
            m.putNull("data");
        } else {
            m.putObject("data").put("name", name);
        }
        return m;
    }

    private static ObjectNode sync(String channel, ObjectNode... members) {
        ObjectNode f = FakeSocket.frame("presence_sync").put("channel", channel).put("count", members.length)
                .put("complete", true);
        ArrayNode list = f.putArray("members");
        for (ObjectNode m : members) {
            list.add(m);
        }
        return f;
    }

    private static ObjectNode event(String channel, String action, ObjectNode member) {
        ObjectNode f = FakeSocket.frame("presence_event").put("channel", channel).put("action", action);
        f.set("member", member);
        return f;
    }

    @Test
    void enterUpdateAndLeaveCompleteOnTheServersReplies() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);
        CompletableFuture<Void> entered = client.enter(ROOM7, Map.of("name", "Ada"));
        JsonNode enter = socket.expect("enter");
        assertEquals(ROOM7, enter.path("channel").asText());
        assertEquals("Ada", enter.path("data").path("name").asText());
        assertFalse(entered.isDone());
        socket.reply(enter, "entered", ROOM7);
        entered.get(5, TimeUnit.SECONDS);

        CompletableFuture<Void> updated = client.update(ROOM7, Map.of("typing", true));
        JsonNode update = socket.expect("update");
        assertTrue(update.path("data").path("typing").asBoolean());
        socket.reply(update, "updated", ROOM7);
        updated.get(5, TimeUnit.SECONDS);

        CompletableFuture<Void> withoutData = client.enter("room:8", null);
        JsonNode bare = socket.expect("enter");
        assertFalse(bare.has("data"), "no data field when none is given: " + bare);
        socket.reply(bare, "entered", "room:8");
        withoutData.get(5, TimeUnit.SECONDS);

        CompletableFuture<Void> left = client.leave(ROOM7);
        socket.reply(socket.expect("leave"), "left", ROOM7);
        left.get(5, TimeUnit.SECONDS);
        rec.assertExhausted();
    }

    @Test
    void refusalsFailWithTheErrorCodeAndALeaveWithoutEnterIsNotPresent() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);
        CompletableFuture<Void> leave = client.leave(ROOM7);
        socket.error(socket.expect("leave"), 40403, "not_present", false);
        assertEquals(ErrorCode.NOT_PRESENT, cause(leave).code());

        CompletableFuture<Void> big = client.enter(ROOM7, Map.of("blob", "x".repeat(2000)));
        socket.error(socket.expect("enter"), 41301, "message_too_large", false);
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, cause(big).code());
        assertEquals(ErrorCode.INVALID_CHANNEL, cause(client.enter("bad channel!", null)).code());

        socket.close(4001, "server_shutdown");
        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        second.send(FakeSocket.frame("ping"));
        second.expect("pong"); // a refused enter is not re-entered after the reconnect
        rec.assertExhausted();
    }

    @Test
    void enteredChannelsAreEnteredAgainWithTheLastDataAfterEveryReconnect() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket first = connect(client, rec);
        CompletableFuture<Void> entered = client.enter(ROOM7, Map.of("name", "Ada"));
        first.reply(first.expect("enter"), "entered", ROOM7);
        entered.get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> updated = client.update(ROOM7, Map.of("name", "Ada L."));
        first.expect("update");
        first.close(4001, "server_shutdown"); // the update's reply never came

        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        JsonNode again = second.expect("enter");
        assertEquals(ROOM7, again.path("channel").asText());
        assertEquals("Ada L.", again.path("data").path("name").asText(), "the last data");
        assertFalse(updated.isDone());
        second.reply(again, "entered", ROOM7);
        updated.get(5, TimeUnit.SECONDS); // the re-enter stored the update

        CompletableFuture<Void> left = client.leave(ROOM7);
        second.reply(second.expect("leave"), "left", ROOM7);
        left.get(5, TimeUnit.SECONDS);
        second.close(4001, "server_shutdown");
        FakeSocket third = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        third.send(FakeSocket.frame("ping"));
        third.expect("pong"); // left: not entered again
        rec.assertExhausted();
    }

    @Test
    void aRetryableRefusalOfAnEnterIsRetriedAfterRetryAfterMs() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);
        CompletableFuture<Void> entered = client.enter(ROOM7, Map.of("name", "Ada"));
        socket.error(socket.expect("enter"), 50301, "kafka_unavailable", true, 3_000);
        time.awaitTaskDueIn(Duration.ofMillis(3_000));
        time.advance(Duration.ofMillis(2_999));
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        time.advance(Duration.ofMillis(1));
        JsonNode again = socket.expect("enter");
        socket.reply(again, "entered", ROOM7);
        entered.get(5, TimeUnit.SECONDS);
        rec.assertExhausted();
    }

    @Test
    void aPresenceSubscriptionReportsTheListThenEventsAndAfterAReconnectOnlyTheDifferences() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Heard heard = new Heard();
        Subscription sub = client.subscribe(ROOM7, SubscribeOptions.live().withPresence(heard), rec);
        FakeSocket first = connect(client, rec);
        JsonNode subscribe = first.expect("subscribe");
        assertTrue(subscribe.path("presence").asBoolean(), subscribe.toString());
        assertFalse(subscribe.has("occupancy"));
        first.subscribed(subscribe, at(1));
        first.send(sync(ROOM7, member("ada", "Ada", 1), member("bob", null, 2)));
        assertEquals("Ada", heard.expect(Action.ENTER, "ada").member().data().path("name").asText());
        assertTrue(heard.expect(Action.ENTER, "bob").member().data().isNull());
        assertEquals(2, sub.members().size());

        first.send(event(ROOM7, "enter", member("cy", "Cy", 3)));
        first.send(event(ROOM7, "update", member("bob", "Bob", 4)));
        first.send(event(ROOM7, "leave", member("ada", "Ada", 1)));
        heard.expect(Action.ENTER, "cy");
        assertEquals("Bob", heard.expect(Action.UPDATE, "bob").member().data().path("name").asText());
        heard.expect(Action.LEAVE, "ada");
        assertEquals(List.of("bob", "cy"), sub.members().stream().map(PresenceMember::clientId).toList());

        first.close(4001, "server_shutdown");
        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        JsonNode resubscribe = second.expect("subscribe");
        assertTrue(resubscribe.path("presence").asBoolean());
        second.subscribed(resubscribe, at(1), true, null);
        // Meanwhile: bob stayed as he was, cy changed her data, dan came, nobody else left.
        second.send(sync(ROOM7, member("bob", "Bob", 4), member("cy", "Cy!", 9), member("dan", null, 10)));
        heard.expect(Action.UPDATE, "cy");
        heard.expect(Action.ENTER, "dan");
        second.send(sync(ROOM7, member("bob", "Bob", 4), member("dan", null, 10))); // a later list
        heard.expect(Action.LEAVE, "cy");
        assertEquals(List.of("bob", "dan"), sub.members().stream().map(PresenceMember::clientId).toList());
        heard.assertExhausted();
        rec.assertExhausted();
    }

    @Test
    void aListOverTheCapIsReportedOnceAndEmptiesTheMembers() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Heard heard = new Heard();
        Subscription sub = client.subscribe(ROOM7, SubscribeOptions.live().withPresence(heard), rec);
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(1));
        socket.send(sync(ROOM7, member("ada", null, 1)));
        heard.expect(Action.ENTER, "ada");
        socket.send(sync(ROOM7).put("count", 1001).put("complete", false));
        assertEquals(new Heard.Unavailable(ROOM7, 1001), heard.next(Heard.Unavailable.class));
        assertTrue(sub.members().isEmpty());
        socket.send(sync(ROOM7, member("ada", null, 1)));
        heard.expect(Action.ENTER, "ada");
        heard.assertExhausted();
        rec.assertExhausted();
    }

    @Test
    void occupancyEventsGoToTheListenerAndOneOffReadsCompleteWithTheirAnswers() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Heard heard = new Heard();
        client.subscribe(ROOM7, SubscribeOptions.live().withOccupancy(heard), rec);
        CompletableFuture<Occupancy> counts = client.occupancy("poll:evt42"); // waits for the connection
        FakeSocket socket = connect(client, rec);
        JsonNode subscribe = socket.expect("subscribe");
        assertTrue(subscribe.path("occupancy").asBoolean());
        assertFalse(subscribe.has("presence"));
        JsonNode occupancy = socket.expect("occupancy");
        socket.subscribed(subscribe, at(1));
        socket.send(FakeSocket.frame("occupancy").put("channel", ROOM7).put("subscribers", 3).put("members", 1));
        assertEquals(new Occupancy(ROOM7, 3, 1), heard.next(Occupancy.class));
        socket.send(FakeSocket.frame("occupancy").put("ref", occupancy.path("ref").asText())
                .put("channel", "poll:evt42").put("subscribers", 1000212).put("members", 0));
        assertEquals(new Occupancy("poll:evt42", 1000212, 0), counts.get(5, TimeUnit.SECONDS));

        CompletableFuture<PresenceMembers> members = client.presence(ROOM7);
        JsonNode presence = socket.expect("presence");
        socket.send(sync(ROOM7, member("ada", "Ada", 1)).put("type", "presence").put("ref", presence.path("ref").asText()));
        PresenceMembers got = members.get(5, TimeUnit.SECONDS);
        assertEquals(1, got.count());
        assertTrue(got.complete());
        assertEquals("ada", got.members().get(0).clientId());
        heard.assertExhausted();
        rec.assertExhausted();
    }

    @Test
    void aReadWhoseSocketWentAwayIsAskedAgainAfterTheReconnect() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket first = connect(client, rec);
        CompletableFuture<PresenceMembers> members = client.presence(ROOM7);
        first.expect("presence");
        first.close(4001, "server_shutdown");
        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        JsonNode again = second.expect("presence");
        second.send(sync(ROOM7).put("type", "presence").put("ref", again.path("ref").asText()));
        assertEquals(0, members.get(5, TimeUnit.SECONDS).count());
        rec.assertExhausted();
    }

    private static ChorusException cause(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(ChorusException.class, e.getCause());
    }
}
