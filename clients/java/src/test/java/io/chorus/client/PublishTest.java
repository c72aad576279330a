package io.chorus.client;

import static io.chorus.client.Positions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Publishing: ids, acks, resends after reconnects, retries of retryable errors, the in-flight bound. */
class PublishTest extends GatewayTestBase {

    @Test
    void aPublishCarriesAGeneratedIdAndCompletesWithTheAck() throws Exception {
        ChorusClient client = client();
        FakeSocket socket = connect(client, Recorder.on(client));
        var result = client.publish(ROOM, "chat", Map.of("text", "hi"));
        JsonNode publish = socket.expect("publish");
        assertEquals(ROOM, publish.path("channel").asText());
        assertEquals("chat", publish.path("name").asText());
        assertEquals("hi", publish.path("data").path("text").asText());
        assertFalse(publish.has("retry"), "a first attempt is not marked retry");
        String id = publish.path("id").asText();
        assertTrue(id.matches("[A-Za-z0-9_\\-:.@/=+]{1,128}"), id);

        socket.ack(publish, at(44), false);
        assertEquals(new PublishResult(id, at(44), false), result.get(5, TimeUnit.SECONDS));

        client.publish(ROOM, null, "again");
        assertNotEquals(id, socket.expect("publish").path("id").asText(), "every publish has its own id");
    }

    @Test
    void anUnacknowledgedPublishIsResentAfterAReconnectWithTheSameIdAndRetryTrue() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket first = connect(client, rec);
        var result = client.publish(ROOM, "vote", Map.of("option", 2), "vote-7");
        JsonNode original = first.expect("publish");
        assertEquals("vote-7", original.path("id").asText());
        first.close(4001, "server_shutdown"); // the ack never came: did Kafka get it?

        FakeSocket second = reconnect(rec.expectState(ConnectionState.DISCONNECTED), rec);
        JsonNode resent = second.expect("publish");
        assertEquals("vote-7", resent.path("id").asText());
        assertTrue(resent.path("retry").asBoolean(), "resent with retry:true " + resent);
        assertEquals(original.path("data"), resent.path("data"));
        assertFalse(result.isDone());

        second.ack(resent, at(9), true);
        assertEquals(new PublishResult("vote-7", at(9), true), result.get(5, TimeUnit.SECONDS));
        rec.assertExhausted();
    }

    @Test
    void aPublishMadeWhileDisconnectedIsSentOnceConnectedAsAFirstAttempt() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        var result = client.publish(ROOM, null, 42);
        FakeSocket socket = connect(client, rec);
        JsonNode publish = socket.expect("publish");
        assertFalse(publish.has("retry"));
        assertEquals(42, publish.path("data").asInt());
        socket.ack(publish, at(1), false);
        result.get(5, TimeUnit.SECONDS);
    }

    @Test
    void retryableErrorsAreRetriedWithBackoffUpToTheLimitAndThenFail() throws Exception {
        ChorusClient client = client(b -> b.publishRetryLimit(2));
        FakeSocket socket = connect(client, Recorder.on(client));
        var result = client.publish(ROOM, null, "x");
        JsonNode publish = socket.expect("publish");
        String id = publish.path("id").asText();

        for (int retry = 0; retry < 2; retry++) {
            socket.error(publish, 50301, "kafka_unavailable", true);
            Duration ceiling = INITIAL.multipliedBy(1L << retry);
            time.awaitTaskDueWithin(ceiling);
            time.advance(ceiling);
            publish = socket.expect("publish");
            assertEquals(id, publish.path("id").asText());
            assertTrue(publish.path("retry").asBoolean());
        }
        socket.error(publish, 50301, "kafka_unavailable", true);
        ChorusException error = failure(result, ChorusException.class);
        assertEquals(ErrorCode.KAFKA_UNAVAILABLE, error.code());
        assertTrue(error.getMessage().contains("gave up after 2 retries"), error.getMessage());
    }

    @Test
    void aNonRetryableErrorFailsThePublishAtOnce() throws Exception {
        ChorusClient client = client();
        FakeSocket socket = connect(client, Recorder.on(client));
        var result = client.publish("readonly:feed", null, "x");
        socket.error(socket.expect("publish"), 40301, "publish_not_allowed", false);
        assertEquals(ErrorCode.PUBLISH_NOT_ALLOWED, failure(result, ChorusException.class).code());
        assertEquals(1, time.liveTasks(), "only the heartbeat watchdog is scheduled, no retry");
    }

    @Test
    void publishFailsFastWhenTooManyPublishesWaitForTheirAck() throws Exception {
        ChorusClient client = client(b -> b.maxPublishesInFlight(2));
        FakeSocket socket = connect(client, Recorder.on(client));
        var a = client.publish(ROOM, null, 1);
        client.publish(ROOM, null, 2);
        var third = client.publish(ROOM, null, 3);
        assertTrue(third.isCompletedExceptionally(), "failed before returning");
        assertEquals(ErrorCode.BUSY, failure(third, ChorusException.class).code());

        JsonNode first = socket.expect("publish");
        socket.ack(first, at(1), false);
        a.get(5, TimeUnit.SECONDS);
        var fourth = client.publish(ROOM, null, 4);
        assertFalse(fourth.isCompletedExceptionally(), "an ack frees a slot");
    }

    @Test
    void badPublishArgumentsFailFastWithTheServersErrorCode() {
        ChorusClient client = client();
        assertEquals(ErrorCode.INVALID_CHANNEL, failure(client.publish("no spaces", null, 1), ChorusException.class).code());
        assertEquals(ErrorCode.INVALID_FIELD, failure(client.publish(ROOM, null, 1, "bad id!"), ChorusException.class).code());
        assertEquals(ErrorCode.INVALID_FIELD, failure(client.publish(ROOM, "", 1), ChorusException.class).code());
    }

    private static <T extends Throwable> T failure(CompletableFuture<?> future, Class<T> type) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(type, e.getCause());
    }
}
