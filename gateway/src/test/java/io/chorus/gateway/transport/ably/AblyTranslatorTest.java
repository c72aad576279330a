package io.chorus.gateway.transport.ably;

import static io.chorus.gateway.transport.ably.AblyRecorder.P1;
import static io.chorus.gateway.transport.ably.AblyRecorder.frame;
import static io.chorus.gateway.transport.ably.AblyRecorder.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.session.Out;
import io.chorus.schema.CloseReason;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection in the translator, without sockets or Kafka: CONNECTED and its updates, the end, and what
 * no part takes. Every frame either side receives is recorded, and each test ends with nothing left
 * unexamined ({@link AblyRecorder}).
 */
class AblyTranslatorTest {

    private final AblyRecorder peer = new AblyRecorder();

    @AfterEach
    void nothingUnexpected() {
        peer.assertExhausted();
    }

    @Test
    void connectedCarriesTheConnectionDetailsAndAFailedResumeSaysSo() {
        AblyTranslator t = peer.alice();
        t.fromSession(Out.CONNECTED, frame("{\"type\":\"connected\"}"));
        t.opened();
        JsonNode c = peer.client();
        assertEquals(4, c.get("action").asInt());
        assertEquals("a-conn", c.get("connectionId").asText());
        JsonNode d = c.get("connectionDetails");
        assertEquals("alice", d.get("clientId").asText());
        assertEquals("a-conn!k", d.get("connectionKey").asText());
        assertEquals(64512, d.get("maxMessageSize").asInt());
        assertEquals(15000, d.get("maxIdleInterval").asLong());
        assertEquals(120000, d.get("connectionStateTtl").asLong());
        assertFalse(c.has("error"));

        AblyTranslator resumed = peer.translator("*", "resume=a-conn!k", 10);
        resumed.fromSession(Out.CONNECTED, frame("{\"type\":\"connected\"}"));
        resumed.opened();
        assertFalse(peer.client().has("error"), "RTN15c6: a resume that held carries no error");

        AblyTranslator refused = peer.translator("*", "resume=old!key", 10);
        refused.connectError(AblyError.of(AblyCode.INVALID_CONNECTION_KEY, "not ours"));
        refused.fromSession(Out.CONNECTED, frame("{\"type\":\"connected\"}"));
        refused.opened();
        assertEquals(80018, peer.client().path("error").path("code").asInt(), "RTN15c7: new connection, with why");
    }

    @Test
    void whatChorusDoesNotSupportIsRefusedInOrderNeverIgnored() {
        AblyTranslator t = peer.alice();
        t.fromClient("{\"action\":21,\"msgSerial\":0,\"channel\":\"chat:x\",\"annotations\":[{\"type\":\"x\"}]}");
        JsonNode nack = peer.clientError(2, 40000, null);
        assertTrue(nack.at("/error/message").asText().contains("annotations"));
        t.fromClient("{\"action\":10,\"channel\":\"chat:x\",\"params\":{\"delta\":\"vcdiff\"}}");
        JsonNode err = peer.client();
        assertEquals(9, err.get("action").asInt());
        assertEquals("chat:x", err.get("channel").asText(), "a channel error: the connection goes on");
        t.fromClient("{\"action\":17}");
        JsonNode fatal = peer.client();
        assertEquals(9, fatal.get("action").asInt());
        assertFalse(fatal.has("channel"));
        assertTrue(peer.ended);
    }

    @Test
    void kafkaStallsAndRecoveriesAreConnectionUpdates() {
        AblyTranslator t = peer.alice();
        t.fromSession(Out.STREAM, frame("{\"type\":\"stream\",\"state\":\"stalled\",\"reason\":\"kafka_unavailable\"}"));
        JsonNode stalled = peer.client();
        assertEquals(4, stalled.get("action").asInt(), "RTN24: CONNECTED on the connection is an update");
        assertEquals("a-conn", stalled.get("connectionId").asText());
        assertEquals(50005, stalled.at("/error/code").asInt());
        t.fromSession(Out.STREAM, frame("{\"type\":\"stream\",\"state\":\"live\"}"));
        JsonNode live = peer.client();
        assertEquals(4, live.get("action").asInt());
        assertFalse(live.has("error"));
    }

    @Test
    void aConnectionOpenedWhileKafkaIsStalledHearsItInItsFirstConnected() {
        AblyTranslator t = peer.alice();
        t.fromSession(Out.CONNECTED, frame("{\"type\":\"connected\"}"));
        t.fromSession(Out.STREAM, frame("{\"type\":\"stream\",\"state\":\"stalled\",\"reason\":\"kafka_unavailable\"}"));
        t.opened();
        peer.clientError(4, 50005, "one CONNECTED, with the stall in it");
        t.fromSession(Out.STREAM, frame("{\"type\":\"stream\",\"state\":\"live\"}"));
        JsonNode live = peer.client();
        assertEquals(4, live.get("action").asInt(), "then an update when Kafka answers again");
        assertFalse(live.has("error"));
    }

    @Test
    void closingSaysWhyInAblyTerms() {
        AblyTranslator t = peer.alice();
        t.closing(CloseReason.SERVER_SHUTDOWN);
        JsonNode d = peer.client();
        assertEquals(6, d.get("action").asInt(), "reconnectable: DISCONNECTED");
        assertNotNull(d.get("error"));
        peer.alice().closing(CloseReason.UNAUTHORIZED);
        assertEquals(9, peer.client().get("action").asInt(), "terminal: ERROR");
    }

    @Test
    void messageDataMapsBothWays() throws IOException {
        var who = new MessageCodec.Publisher("alice");
        JsonNode obj = MessageCodec.toPublish(json("{\"data\":\"{\\\"a\\\":[1]}\",\"encoding\":\"json\"}"), "c", "d", who);
        assertEquals(json("{\"a\":[1]}"), obj.get("data"), "json-encoded data becomes the JSON value");
        JsonNode bin = MessageCodec.toPublish(json("{\"data\":\"AQID\",\"encoding\":\"base64\",\"id\":\"x-1\"}"), "c", "d", who);
        assertEquals("base64", bin.get("encoding").asText());
        assertTrue(bin.get("retry").asBoolean(), "a client-supplied id is looked up (idempotent publish)");
        JsonNode back = json(MessageCodec.fromChorus(("{\"type\":\"message\",\"channel\":\"c\",\"position\":\"" + P1
                + "\",\"id\":\"i\",\"data\":\"AQID\",\"encoding\":\"base64\",\"timestamp\":1}").getBytes()).json());
        assertEquals("base64", back.at("/messages/0/encoding").asText());
        JsonNode text = json(MessageCodec.fromChorus(("{\"type\":\"message\",\"channel\":\"c\",\"position\":\"" + P1
                + "\",\"id\":\"i\",\"data\":\"hi\",\"timestamp\":1}").getBytes()).json());
        assertTrue(text.at("/messages/0/encoding").isMissingNode());
        assertEquals("hi", text.at("/messages/0/data").asText());
    }

    @Test
    void keysTranslateAblyCapabilitiesAndCheckTheSecret() {
        assertEquals(Map.of("*", List.of("subscribe", "publish", "presence", "history"), "ro:*", List.of("subscribe"),
                "x", List.of()), AblyKeys.translate(Map.of("*", List.of("*"), "ro:*", List.of("subscribe", "stats"),
                "x", List.of("push-admin"))));
        var config = new io.chorus.gateway.config.AblyConfig(true, Map.of("app.key",
                new io.chorus.gateway.config.AblyConfig.AblyKeyConfig("s3cret", Map.of("ro:*", List.of("subscribe")))),
                null, 10);
        AblyKeys keys = new AblyKeys(config);
        var p = keys.authenticate("app.key:s3cret", null, "a-1");
        assertEquals("a-1", p.clientId());
        assertTrue(p.capabilities().allows(io.chorus.schema.ChannelName.parse("ro:a"),
                io.chorus.gateway.auth.Operation.SUBSCRIBE));
        assertFalse(p.capabilities().allows(io.chorus.schema.ChannelName.parse("ro:a"),
                io.chorus.gateway.auth.Operation.PUBLISH));
        assertEquals(40101, code(() -> keys.authenticate("app.key:wrong", null, "a-1")));
        assertEquals(40130, code(() -> keys.authenticate("app.other:s3cret", null, "a-1")));
        assertEquals(40012, code(() -> keys.authenticate("app.key:s3cret", "has space", "a-1")));
    }

    private static int code(Runnable r) {
        try {
            r.run();
        } catch (AblyRefusal e) {
            return e.error().code().code();
        }
        return -1;
    }
}
