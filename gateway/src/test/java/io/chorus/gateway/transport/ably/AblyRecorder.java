package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.session.Out;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A translator's peer for tests without sockets or Kafka: records every frame it sends the session and
 * every ProtocolMessage it sends the client, so that a test examines each one and ends with
 * {@link #assertExhausted}. It also builds the translators under test (connection {@code a-conn}).
 */
final class AblyRecorder implements AblyTranslator.Peer {

    /** A Chorus position of a topic of 8 partitions: what the session says a channel attached at. */
    static final String P1 = new io.chorus.schema.Position(UUID.randomUUID(), 3, 8, 41).encode();

    final ArrayDeque<JsonNode> toSession = new ArrayDeque<>();
    final ArrayDeque<JsonNode> toClient = new ArrayDeque<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int activity;
    boolean ended;
    /** When set, the session's part: it gets each frame at once instead of the record. */
    Consumer<Buffer> session;

    /**
     * A translator for connection {@code a-conn} of {@code clientId} (null: unidentified), with an Ably
     * capability, extra connect params ({@code echo=false&resume=...}, {@code access_token=...} instead of
     * the key), 3 channels at most and
     * {@code maxPending} publishes waiting.
     */
    AblyTranslator translator(String clientId, Map<String, List<String>> capability, String query, int maxPending) {
        Map<String, String> q = new HashMap<>(Map.of("v", "6", "format", "json", "key", "a.b:c"));
        if (!query.isEmpty()) {
            for (String kv : query.split("&")) {
                q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        if (q.containsKey("access_token")) {
            q.remove("key"); // a token connection (RSA8) has no key
        }
        return new AblyTranslator(this, new AblyFrames.Details("a-conn", "a-conn!k", clientId, 64512, 262144, 50,
                120_000, 15_000), Capabilities.of(AblyKeys.translate(capability)), ConnectParams.parse(q::get),
                new AblyTranslator.Limits(3, maxPending), new MessageFrames(), new AblyMetrics(registry));
    }

    /** Alice's connection with every operation on the channels {@code pattern} matches. */
    AblyTranslator translator(String pattern, String query, int maxPending) {
        return translator("alice", Map.of(pattern, List.of("*")), query, maxPending);
    }

    /** Alice's connection, every operation on every channel. */
    AblyTranslator alice() {
        return translator("*", "", 10);
    }

    @Override
    public void toSession(Buffer frame) {
        if (session != null) {
            session.accept(frame);
        } else {
            toSession.add(json(frame.toString()));
        }
    }

    @Override
    public void activity() {
        activity++;
    }

    @Override
    public void toClient(String pm) {
        toClient.add(json(pm));
    }

    @Override
    public void end() {
        ended = true;
    }

    /** The oldest frame for the session not yet examined. */
    JsonNode session() {
        assertFalse(toSession.isEmpty(), "a frame for the session");
        return toSession.poll();
    }

    /** The oldest ProtocolMessage for the client not yet examined. */
    JsonNode client() {
        assertFalse(toClient.isEmpty(), "a ProtocolMessage for the client");
        return toClient.poll();
    }

    /** The oldest ProtocolMessage for the client not yet examined, which must be {@code action} with error {@code code}. */
    JsonNode clientError(int action, int code, String why) {
        JsonNode pm = client();
        assertEquals(action, pm.get("action").asInt(), why);
        assertEquals(code, pm.at("/error/code").asInt(), why);
        return pm;
    }

    void assertExhausted() {
        assertEquals(List.of(), List.copyOf(toSession), "frames left for the session");
        assertEquals(List.of(), List.copyOf(toClient), "ProtocolMessages left for the client");
    }

    /** ATTACH, the session's subscribe and its subscribed answer; returns the ATTACHED. */
    JsonNode attach(AblyTranslator t, String channel) {
        t.fromClient("{\"action\":10,\"channel\":\"" + channel + "\"}");
        return subscribed(t, session());
    }

    /** The session's subscribed answer (at {@link #P1}) to its {@code subscribe}; returns the ATTACHED. */
    JsonNode subscribed(AblyTranslator t, JsonNode subscribe) {
        t.fromSession(Out.SUBSCRIBED, frame("{\"type\":\"subscribed\",\"ref\":\"" + subscribe.get("ref").asText()
                + "\",\"channel\":\"" + subscribe.get("channel").asText() + "\",\"position\":\"" + P1 + "\"}"));
        return client();
    }

    static JsonNode json(String s) {
        try {
            return MessageCodec.JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Buffer frame(String json) {
        return Buffer.buffer(json);
    }
}
