package io.chorus.client;

import static io.chorus.client.Positions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Automatic resume: re-subscribe from the last delivered position, drop replays, report gaps. */
class ResumeTest extends GatewayTestBase {

    private static final String LOBBY = "chat:lobby";

    @Test
    void aReconnectResubscribesFromTheLastDeliveredPositionAndTheAppSeesNoDuplicate() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(), rec);
        FakeSocket first = connect(client, rec);
        JsonNode subscribe = first.expect("subscribe");
        assertFalse(subscribe.has("since") || subscribe.has("rewind"), "live: " + subscribe);
        first.subscribed(subscribe, at(41));
        SubscribeResult result = sub.ready().get(5, TimeUnit.SECONDS);
        assertEquals(at(41), result.position());
        assertEquals(at(41), sub.lastPosition());

        first.message(ROOM, at(42), "a");
        first.message(ROOM, at(43), "b");
        first.close(4001, "server_shutdown");
        assertEquals("a", rec.expectMessage(at(42)).data().path("text").asText());
        rec.expectMessage(at(43));
        assertEquals(at(43), sub.lastPosition());

        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        JsonNode resubscribe = second.expect("subscribe");
        assertEquals(at(43), resubscribe.path("since").asText());
        second.subscribed(resubscribe, at(43), true, null);
        second.message(ROOM, at(42), "a again"); // a replay at or below the last position...
        second.message(ROOM, at(43), "b again");
        second.message(ROOM, at(44), "c");
        rec.expectMessage(at(44)); // ...is dropped: the next thing the app sees is new
        assertEquals(at(44), sub.lastPosition());
        rec.assertExhausted();
    }

    @Test
    void eachChannelResumesFromItsOwnPosition() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        client.subscribe(ROOM, SubscribeOptions.live(), rec);
        client.subscribe(LOBBY, SubscribeOptions.live(), rec);
        FakeSocket first = connect(client, rec);
        first.subscribed(first.expect("subscribe"), at(10));
        first.subscribed(first.expect("subscribe"), at(500));
        first.message(ROOM, at(11), "room");
        first.message(LOBBY, at(11), "lobby, below its own mark"); // offset 11 < 500 on the lobby's log
        first.message(LOBBY, at(501), "lobby");
        rec.expectMessage(at(11));
        assertEquals(LOBBY, rec.expectMessage(at(501)).channel());

        first.close(4002, "slow_consumer");
        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        JsonNode room = second.expect("subscribe");
        JsonNode lobby = second.expect("subscribe");
        assertEquals(ROOM, room.path("channel").asText());
        assertEquals(at(11), room.path("since").asText());
        assertEquals(LOBBY, lobby.path("channel").asText());
        assertEquals(at(501), lobby.path("since").asText());
        rec.assertExhausted();
    }

    @Test
    void aResumeThatCannotContinueTellsTheListenerAndDeliveryGoesOn() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(), rec);
        FakeSocket first = connect(client, rec);
        first.subscribed(first.expect("subscribe"), at(41));
        first.message(ROOM, at(42), "a");
        rec.expectMessage(at(42));
        first.close(1001, "going away");

        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        String restart = Positions.onRecreatedTopic(-1);
        second.subscribed(second.expect("subscribe"), restart, false, "topic_changed");
        second.message(ROOM, Positions.onRecreatedTopic(0), "first on the new topic");
        assertEquals(new Recorder.ContinuityLost(ROOM, "topic_changed", restart), rec.next(Recorder.ContinuityLost.class));
        rec.expectMessage(Positions.onRecreatedTopic(0)); // a lower offset, but another topic: delivered
        assertEquals(Positions.onRecreatedTopic(0), sub.lastPosition());
        assertTrue(sub.ready().get().position().equals(at(41)), "ready() keeps the first answer");
        rec.assertExhausted();
    }

    @Test
    void aRefusedResubscribeEndsTheSubscriptionAndTellsTheListener() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        client.subscribe(ROOM, SubscribeOptions.live(), rec);
        FakeSocket first = connect(client, rec);
        first.subscribed(first.expect("subscribe"), at(41));
        first.close(4001, "server_shutdown");

        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        second.error(second.expect("subscribe"), 40401, "unknown_namespace", false);
        Recorder.SubscriptionFailed failed = rec.next(Recorder.SubscriptionFailed.class);
        assertEquals(ErrorCode.UNKNOWN_NAMESPACE, failed.error().code());
        second.message(ROOM, at(42), "not for us any more");
        second.close(4001, "server_shutdown");
        FakeSocket third = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        third.send(FakeSocket.frame("ping"));
        third.expect("pong"); // and no subscribe before it
        rec.assertExhausted();
    }

    @Test
    void aRetryableRefusalOfAResubscribeIsRetriedWithBackoff() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        client.subscribe(ROOM, SubscribeOptions.live(), rec);
        FakeSocket first = connect(client, rec);
        first.subscribed(first.expect("subscribe"), at(41));
        first.close(4001, "server_shutdown");

        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        second.error(second.expect("subscribe"), 42901, "too_many_subscriptions", true);
        time.awaitTaskDueWithin(INITIAL);
        time.advance(INITIAL);
        JsonNode again = second.expect("subscribe");
        assertEquals(at(41), again.path("since").asText());
        second.subscribed(again, at(41), true, null);
        second.message(ROOM, at(42), "a");
        rec.expectMessage(at(42));
        rec.assertExhausted();
    }

    @Test
    void aSubscribeSentBeforeItsAnswerIsSentAgainAsFirstAskedAfterADrop() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.rewind(5), rec);
        FakeSocket first = connect(client, rec);
        assertEquals(5, first.expect("subscribe").path("rewind").asInt());
        first.close(4001, "server_shutdown");

        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        JsonNode again = second.expect("subscribe");
        assertEquals(5, again.path("rewind").asInt(), "no position yet, so the original request");
        second.subscribed(again, at(37));
        assertEquals(at(37), sub.ready().get(5, TimeUnit.SECONDS).position(), "ready() gets the first answer");
        rec.assertExhausted();
    }

    @Test
    void subscribeErrorsCompleteReadyExceptionallyWithTheErrorCode() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Subscription refused = client.subscribe("nowhere:x", SubscribeOptions.since(at(3)), rec);
        FakeSocket socket = connect(client, rec);
        JsonNode subscribe = socket.expect("subscribe");
        assertEquals(at(3), subscribe.path("since").asText());
        socket.error(subscribe, 40401, "unknown_namespace", false);
        assertEquals(ErrorCode.UNKNOWN_NAMESPACE, cause(refused).code());

        assertEquals(ErrorCode.INVALID_CHANNEL, cause(client.subscribe("bad channel!", SubscribeOptions.live(), rec)).code());
        client.subscribe(ROOM, SubscribeOptions.live(), rec);
        assertEquals(ErrorCode.ALREADY_SUBSCRIBED, cause(client.subscribe(ROOM, SubscribeOptions.live(), rec)).code());
        socket.expect("subscribe");
        socket.assertNothingReceived();
        rec.assertExhausted();
    }

    @Test
    void unsubscribeStopsDeliveryAndTellsTheServer() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        Subscription sub = client.subscribe(ROOM, SubscribeOptions.live(), rec);
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(1));
        sub.ready().get(5, TimeUnit.SECONDS);

        var done = sub.unsubscribe();
        socket.message(ROOM, at(2), "in flight when the app unsubscribed");
        JsonNode unsubscribe = socket.expect("unsubscribe");
        assertEquals(ROOM, unsubscribe.path("channel").asText());
        socket.send(FakeSocket.frame("unsubscribed").put("ref", unsubscribe.path("ref").asText()).put("channel", ROOM));
        done.get(5, TimeUnit.SECONDS);

        Subscription again = client.subscribe(ROOM, SubscribeOptions.live(), rec);
        JsonNode subscribe = socket.expect("subscribe");
        socket.message(ROOM, at(3), "before subscribed: from the old subscription");
        socket.subscribed(subscribe, at(3));
        socket.message(ROOM, at(4), "new");
        again.ready().get(5, TimeUnit.SECONDS);
        rec.expectMessage(at(4));
        rec.assertExhausted();
    }

    @Test
    void anErrorThatEndsASubscriptionIsResumedWhenRetryableAndReportedWhenNot() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        client.subscribe(ROOM, SubscribeOptions.live(), rec);
        client.subscribe(LOBBY, SubscribeOptions.live(), rec);
        FakeSocket socket = connect(client, rec);
        socket.subscribed(socket.expect("subscribe"), at(10));
        socket.subscribed(socket.expect("subscribe"), at(20));
        socket.message(ROOM, at(11), "a");
        rec.expectMessage(at(11));

        // PROTOCOL.md: an error with a channel and no ref after subscribed ends that subscription.
        socket.send(FakeSocket.frame("error").put("channel", ROOM).put("code", 50301).put("error", "kafka_unavailable")
                .put("message", "catch-up stalled").put("retryable", true));
        socket.message(ROOM, at(12), "after the end, before the new subscribed: dropped");
        time.awaitTaskDueWithin(INITIAL);
        time.advance(INITIAL);
        JsonNode again = socket.expect("subscribe");
        assertEquals(ROOM, again.path("channel").asText());
        assertEquals(at(11), again.path("since").asText());
        socket.subscribed(again, at(11), true, null);
        socket.message(ROOM, at(12), "b");
        rec.expectMessage(at(12));

        socket.send(FakeSocket.frame("error").put("channel", LOBBY).put("code", 40302).put("error", "forbidden")
                .put("message", "the new token does not allow it").put("retryable", false));
        Recorder.SubscriptionFailed failed = rec.next(Recorder.SubscriptionFailed.class);
        assertEquals(LOBBY, failed.channel());
        assertEquals(ErrorCode.FORBIDDEN, failed.error().code());
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong"); // and no re-subscribe of the lobby
        rec.assertExhausted();
    }

    private static ChorusException cause(Subscription sub) throws InterruptedException {
        try {
            sub.ready().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return (ChorusException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("ready() did not complete", e);
        }
        throw new AssertionError("ready() completed normally");
    }
}
