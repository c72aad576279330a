package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.session.Out;
import io.chorus.schema.CloseReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The translator without sockets or Kafka: Ably ProtocolMessages in, the session's request frames out;
 * the session's answers in (as the session writes them, PROTOCOL.md), ProtocolMessages out. Every
 * frame either side receives is recorded, and each test ends with nothing left unexamined.
 */
class AblyTranslatorTest {

    private static final String P1 = new io.chorus.schema.Position(UUID.randomUUID(), 3, 8, 41).encode();

    /** Records what the translator sends each way. */
    private static final class Recorder implements AblyTranslator.Peer {
        final ArrayDeque<JsonNode> toSession = new ArrayDeque<>();
        final ArrayDeque<JsonNode> toClient = new ArrayDeque<>();
        int activity;
        boolean ended;

        @Override
        public void toSession(Buffer frame) {
            toSession.add(json(frame.toString()));
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

        JsonNode session() {
            assertFalse(toSession.isEmpty(), "a frame for the session");
            return toSession.poll();
        }

        JsonNode client() {
            assertFalse(toClient.isEmpty(), "a ProtocolMessage for the client");
            return toClient.poll();
        }

        void assertExhausted() {
            assertEquals(List.of(), List.copyOf(toSession), "frames left for the session");
            assertEquals(List.of(), List.copyOf(toClient), "ProtocolMessages left for the client");
        }
    }

    private final Recorder peer = new Recorder();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void nothingUnexpected() {
        peer.assertExhausted();
    }

    private AblyTranslator translator(String capability, String query, int maxPending) {
        Map<String, String> q = new java.util.HashMap<>(Map.of("v", "6", "format", "json", "key", "a.b:c"));
        if (!query.isEmpty()) {
            for (String kv : query.split("&")) {
                q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        Map<String, List<String>> caps = Map.of(capability, List.of("*"));
        return new AblyTranslator(peer, new AblyFrames.Details("a-conn", "a-conn!k", "alice", 64512, 262144, 50,
                120_000, 15_000), Capabilities.of(AblyKeys.translate(caps)), ConnectParams.parse(q::get),
                new AblyTranslator.Limits(3, maxPending), new MessageFrames(), new AblyMetrics(registry));
    }

    private AblyTranslator translator() {
        return translator("*", "", 10);
    }

    private static JsonNode json(String s) {
        try {
            return MessageCodec.JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Buffer frame(String json) {
        return Buffer.buffer(json);
    }

    /** ATTACH, the session's subscribe, its subscribed answer; returns the ATTACHED. */
    private JsonNode attach(AblyTranslator t, String channel) {
        t.fromClient("{\"action\":10,\"channel\":\"" + channel + "\"}");
        JsonNode sub = peer.session();
        t.fromSession(Out.SUBSCRIBED, frame("{\"type\":\"subscribed\",\"ref\":\"" + sub.get("ref").asText()
                + "\",\"channel\":\"" + channel + "\",\"position\":\"" + P1 + "\"}"));
        return peer.client();
    }

    @Test
    void connectedCarriesTheConnectionDetailsAndAFailedResumeSaysSo() {
        AblyTranslator t = translator();
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

        AblyTranslator resumed = translator("*", "resume=a-conn!k", 10);
        resumed.fromSession(Out.CONNECTED, frame("{\"type\":\"connected\"}"));
        resumed.opened();
        assertFalse(peer.client().has("error"), "RTN15c6: a resume that held carries no error");

        AblyTranslator refused = translator("*", "resume=old!key", 10);
        refused.connectError(AblyError.of(AblyCode.INVALID_CONNECTION_KEY, "not ours"));
        refused.fromSession(Out.CONNECTED, frame("{\"type\":\"connected\"}"));
        refused.opened();
        assertEquals(80018, peer.client().path("error").path("code").asInt(), "RTN15c7: new connection, with why");
    }

    @Test
    void attachSubscribesAndAttachedCarriesThePositionAndTheGrantedModes() {
        AblyTranslator t = translator();
        t.fromClient("{\"action\":10,\"channel\":\"chat:room1\"}");
        JsonNode sub = peer.session();
        assertEquals("subscribe", sub.get("type").asText());
        assertEquals("chat:room1", sub.get("channel").asText());
        assertFalse(sub.has("since"), "a fresh attach is live");
        t.fromSession(Out.SUBSCRIBED, frame("{\"type\":\"subscribed\",\"ref\":\"" + sub.get("ref").asText()
                + "\",\"channel\":\"chat:room1\",\"position\":\"" + P1 + "\"}"));
        JsonNode attached = peer.client();
        assertEquals(11, attached.get("action").asInt());
        assertEquals(P1, attached.get("channelSerial").asText());
        int modes = AblyProtocol.MODE_SUBSCRIBE | AblyProtocol.MODE_PUBLISH | AblyProtocol.MODE_PRESENCE
                | AblyProtocol.MODE_PRESENCE_SUBSCRIBE; // Ably's defaults, all allowed by the key
        assertEquals(modes | AblyProtocol.HAS_PRESENCE, attached.get("flags").asInt());

        t.fromClient("{\"action\":10,\"channel\":\"chat:room1\"}"); // attached already: continuity never broke
        assertEquals(modes | AblyProtocol.RESUMED, peer.client().get("flags").asInt());
    }

    @Test
    void attachWithAChannelSerialResumesRightAfterIt() {
        AblyTranslator t = translator();
        t.fromClient("{\"action\":10,\"channel\":\"chat:room1\",\"channelSerial\":\"" + P1 + "\"}");
        JsonNode sub = peer.session();
        assertEquals(P1, sub.get("since").asText());
        t.fromSession(Out.RESUMED, frame("{\"type\":\"subscribed\",\"ref\":\"" + sub.get("ref").asText()
                + "\",\"channel\":\"chat:room1\",\"position\":\"" + P1 + "\",\"resumed\":true}"));
        JsonNode attached = peer.client();
        assertTrue((attached.get("flags").asInt() & AblyProtocol.RESUMED) != 0);
        assertFalse(attached.has("error"));

        t.fromClient("{\"action\":10,\"channel\":\"chat:room2\",\"channelSerial\":\"" + P1 + "\"}");
        sub = peer.session();
        t.fromSession(Out.SUBSCRIBED, frame("{\"type\":\"subscribed\",\"ref\":\"" + sub.get("ref").asText()
                + "\",\"channel\":\"chat:room2\",\"position\":\"" + P1 + "\",\"resumed\":false,\"reason\":\"out_of_retention\"}"));
        attached = peer.client();
        assertEquals(0, attached.get("flags").asInt() & AblyProtocol.RESUMED);
        assertEquals(90003, attached.path("error").path("code").asInt(), "continuity lost is said, with its reason");
        assertTrue(attached.path("error").path("message").asText().contains("out_of_retention"));
    }

    @Test
    void rewindByCountAsksTheSessionForTheLastNAndEchoesTheParam() {
        AblyTranslator t = translator();
        t.fromClient("{\"action\":10,\"channel\":\"chat:r\",\"params\":{\"rewind\":\"5\",\"agent\":\"x\"}}");
        JsonNode sub = peer.session();
        assertEquals(5, sub.get("rewind").asInt());
        assertFalse(sub.has("since"));
        t.fromSession(Out.SUBSCRIBED, frame("{\"type\":\"subscribed\",\"ref\":\"" + sub.get("ref").asText()
                + "\",\"channel\":\"chat:r\",\"position\":\"" + P1 + "\"}"));
        JsonNode attached = peer.client();
        assertEquals("5", attached.at("/params/rewind").asText(), "RTL4k1: the honoured param is echoed");
        assertEquals(P1, attached.get("channelSerial").asText(), "where delivery starts: untilAttach's bound");

        t.fromClient("{\"action\":10,\"channel\":\"chat:big\",\"params\":{\"rewind\":\"5000\"}}");
        assertEquals(100, peer.session().get("rewind").asInt(), "capped at connection.maxRewind");
        t.fromClient("{\"action\":10,\"channel\":\"chat:zero\",\"params\":{\"rewind\":\"0\"}}");
        assertFalse(peer.session().has("rewind"), "rewind=0 is live");
    }

    @Test
    void aReattachWithAChannelSerialContinuesFromItRatherThanRewindingAgain() {
        AblyTranslator t = translator();
        t.fromClient("{\"action\":10,\"channel\":\"chat:r\",\"params\":{\"rewind\":\"1m\"},\"channelSerial\":\""
                + P1 + "\"}");
        JsonNode sub = peer.session();
        assertEquals(P1, sub.get("since").asText());
        assertFalse(sub.has("rewind"));
    }

    @Test
    void rewindByTimeSkipsRewoundMessagesOlderThanTheIntervalThenPassesEverything() {
        AblyTranslator t = translator();
        t.fromClient("{\"action\":10,\"channel\":\"chat:t\",\"params\":{\"rewind\":\"1m\"}}");
        JsonNode sub = peer.session();
        assertEquals(100, sub.get("rewind").asInt(), "an interval rewinds as far as allowed, then filters");
        t.fromSession(Out.SUBSCRIBED, frame("{\"type\":\"subscribed\",\"ref\":\"" + sub.get("ref").asText()
                + "\",\"channel\":\"chat:t\",\"position\":\"" + P1 + "\"}"));
        assertEquals("1m", peer.client().at("/params/rewind").asText());
        long now = System.currentTimeMillis();
        long[] times = {now - 3_600_000, now - 120_000, now - 30_000, now - 90_000, now};
        for (int i = 0; i < times.length; i++) {
            t.fromSession(Out.MESSAGE, frame("{\"type\":\"message\",\"channel\":\"chat:t\",\"position\":\""
                    + new io.chorus.schema.Position(UUID.randomUUID(), 3, 8, 50 + i).encode() + "\",\"id\":\"m" + i
                    + "\",\"data\":\"d\",\"timestamp\":" + times[i] + "}"));
        }
        // m3 is older than a minute but came after m2, which was inside it: order wins, nothing is held back.
        for (String id : List.of("m2", "m3", "m4")) {
            assertEquals(id, peer.client().at("/messages/0/id").asText());
        }
    }

    @Test
    void aRewindThatIsNeitherACountNorAnIntervalFailsTheChannelWith40003() {
        AblyTranslator t = translator();
        for (String bad : List.of("ten", "-1", "1d", "1.5m", "99999999999")) {
            t.fromClient("{\"action\":10,\"channel\":\"chat:b\",\"params\":{\"rewind\":\"" + bad + "\"}}");
            JsonNode err = peer.client();
            assertEquals(9, err.get("action").asInt(), bad);
            assertEquals(40003, err.at("/error/code").asInt(), bad);
        }
        assertFalse(peer.ended, "a channel error: the connection goes on");
    }

    @Test
    void deliveriesNameThePublishersClientAndConnectionAndEchoOffUsesTheConnection() {
        AblyTranslator t = translator("*", "echo=false", 10);
        attach(t, "chat:e");
        String m = "{\"type\":\"message\",\"channel\":\"chat:e\",\"position\":\"" + P1 + "\",\"id\":\"own-id\","
                + "\"clientId\":\"alice\",\"connectionId\":\"a-conn\",\"data\":\"d\",\"timestamp\":5}";
        t.fromSession(Out.MESSAGE, frame(m)); // its own, with a client-supplied id: not echoed either
        t.fromSession(Out.MESSAGE, frame(m.replace("\"a-conn\"", "\"a-other\"").replace("alice", "bob")));
        t.fromSession(Out.MESSAGE, frame(m.replace("\"a-conn\"", "\"a-anon\"").replace("alice", "a-anon")));
        JsonNode bob = peer.client().at("/messages/0");
        assertEquals("bob", bob.get("clientId").asText());
        assertEquals("a-other", bob.get("connectionId").asText());
        JsonNode anon = peer.client().at("/messages/0");
        assertFalse(anon.has("clientId"), "an unidentified publisher's client id is its connection id: not a clientId");
        assertEquals("a-anon", anon.get("connectionId").asText());
    }

    @Test
    void acksGoOutInMsgSerialOrderWhateverOrderKafkaAnswersIn() {
        AblyTranslator t = translator();
        for (int s = 0; s < 3; s++) {
            t.fromClient("{\"action\":15,\"msgSerial\":" + s + ",\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m" + s
                    + "\"}]}");
        }
        JsonNode p0 = peer.session();
        JsonNode p1 = peer.session();
        JsonNode p2 = peer.session();
        assertEquals("a-conn:1:0", p1.get("id").asText(), "TM2a: connectionId:msgSerial:index");
        assertEquals("m1", p1.get("data").asText());
        t.fromSession(Out.REPLY, ack(p2, "s2"));
        t.fromSession(Out.REPLY, ack(p0, "s0"));
        JsonNode first = peer.client();
        assertEquals(1, first.get("action").asInt());
        assertEquals(0, first.get("msgSerial").asInt());
        assertEquals(1, first.get("count").asInt());
        t.fromSession(Out.REPLY, ack(p1, "s1"));
        JsonNode rest = peer.client();
        assertEquals(1, rest.get("msgSerial").asInt());
        assertEquals(2, rest.get("count").asInt(), "consecutive ACKs in one");
        assertEquals("s1", rest.at("/res/0/serials/0").asText());
        assertEquals("s2", rest.at("/res/1/serials/0").asText());
    }

    private static Buffer ack(JsonNode publish, String position) {
        return frame("{\"type\":\"ack\",\"ref\":\"" + publish.get("ref").asText() + "\",\"channel\":\"chat:x\",\"id\":\"i\","
                + "\"position\":\"" + position + "\",\"duplicate\":false}");
    }

    @Test
    void aRefusalBecomesANackWithTheAblyCodeAndDoesNotHoldBackLaterAcks() {
        AblyTranslator t = translator();
        t.fromClient("{\"action\":15,\"msgSerial\":0,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"a\"}]}");
        t.fromClient("{\"action\":15,\"msgSerial\":1,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"b\"}]}");
        JsonNode p0 = peer.session();
        JsonNode p1 = peer.session();
        t.fromSession(Out.REPLY, ack(p1, "s1"));
        t.fromSession(Out.ERROR, frame("{\"type\":\"error\",\"ref\":\"" + p0.get("ref").asText()
                + "\",\"code\":40302,\"error\":\"forbidden\",\"message\":\"no\",\"retryable\":false}"));
        JsonNode nack = peer.client();
        assertEquals(2, nack.get("action").asInt());
        assertEquals(0, nack.get("msgSerial").asInt());
        assertEquals(40160, nack.at("/error/code").asInt());
        assertEquals(401, nack.at("/error/statusCode").asInt());
        JsonNode ack = peer.client();
        assertEquals(1, ack.get("action").asInt());
        assertEquals(1, ack.get("msgSerial").asInt());
    }

    @Test
    void aRefusalWithoutARefAnswersTheRequestBeingDispatched() {
        // The session refuses a frame over its size limit before it reads the ref, synchronously.
        AblyTranslator[] self = new AblyTranslator[1];
        AblyTranslator t = new AblyTranslator(new AblyTranslator.Peer() {
            @Override
            public void toSession(Buffer f) {
                self[0].fromSession(Out.ERROR, frame("{\"type\":\"error\",\"code\":41301,"
                        + "\"error\":\"message_too_large\",\"message\":\"too big\",\"retryable\":false}"));
            }

            @Override
            public void activity() {
            }

            @Override
            public void toClient(String pm) {
                peer.toClient(pm);
            }

            @Override
            public void end() {
                peer.end();
            }
        }, new AblyFrames.Details("a-conn", "k", null, 1000, 2000, 50, 1, 1), Capabilities.of(Map.of("*", List.of("publish"))),
                ConnectParams.parse(Map.of("v", "6", "key", "a.b:c")::get), new AblyTranslator.Limits(3, 10),
                new MessageFrames(), new AblyMetrics(registry));
        self[0] = t;
        t.fromClient("{\"action\":15,\"msgSerial\":0,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        JsonNode nack = peer.client();
        assertEquals(2, nack.get("action").asInt());
        assertEquals(40009, nack.at("/error/code").asInt());
        assertFalse(peer.ended);
    }

    @Test
    void publishesBeyondTheLimitAreNackedAndFarBeyondItEndTheConnection() {
        AblyTranslator t = translator("*", "", 2);
        for (int s = 0; s < 3; s++) {
            t.fromClient("{\"action\":15,\"msgSerial\":" + s + ",\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        }
        JsonNode p0 = peer.session();
        peer.session();
        assertTrue(peer.toSession.isEmpty(), "the third is not published");
        t.fromSession(Out.REPLY, ack(p0, "s0"));
        assertEquals(1, peer.client().get("action").asInt());
        // Waiting: 1 (in Kafka), 2 (refused, its NACK behind 1's ACK). More than twice the limit ends it.
        for (int s = 3; s <= 4; s++) {
            t.fromClient("{\"action\":15,\"msgSerial\":" + s + ",\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        }
        assertTrue(peer.toClient.isEmpty() && peer.toSession.isEmpty(), "refused in turn, behind msgSerial 1");
        t.fromClient("{\"action\":15,\"msgSerial\":5,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        JsonNode disconnected = peer.client();
        assertEquals(6, disconnected.get("action").asInt());
        assertEquals(42921, disconnected.at("/error/code").asInt());
        assertTrue(peer.ended);
    }

    @Test
    void whatChorusDoesNotSupportIsRefusedInOrderNeverIgnored() {
        AblyTranslator t = translator();
        t.fromClient("{\"action\":21,\"msgSerial\":0,\"channel\":\"chat:x\",\"annotations\":[{\"type\":\"x\"}]}");
        JsonNode nack = peer.client();
        assertEquals(2, nack.get("action").asInt());
        assertEquals(40000, nack.at("/error/code").asInt());
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
    void aBrokenFrameIsAProtocolErrorThatEndsTheConnection() {
        translator().fromClient("{\"action\":15,\"channel\":\"chat:x\",\"messages\":[{\"data\":\"m\"}]}");
        JsonNode err = peer.client();
        assertEquals(80013, err.at("/error/code").asInt(), "MESSAGE without msgSerial");
        assertTrue(peer.ended);
    }

    @Test
    void detachUnsubscribesAndAnEndedSubscriptionIsAServerDetach() {
        AblyTranslator t = translator();
        attach(t, "chat:a");
        t.fromClient("{\"action\":12,\"channel\":\"chat:a\"}");
        JsonNode unsub = peer.session();
        assertEquals("unsubscribe", unsub.get("type").asText());
        t.fromSession(Out.REPLY, frame("{\"type\":\"unsubscribed\",\"ref\":\"" + unsub.get("ref").asText()
                + "\",\"channel\":\"chat:a\"}"));
        assertEquals(13, peer.client().get("action").asInt());

        attach(t, "chat:b");
        t.fromSession(Out.CHANNEL_ERROR, frame("{\"type\":\"error\",\"channel\":\"chat:b\",\"code\":50301,"
                + "\"error\":\"kafka_unavailable\",\"message\":\"down\",\"retryable\":true}"));
        JsonNode detached = peer.client();
        assertEquals(13, detached.get("action").asInt(), "RTL13a: the SDK reattaches from its channelSerial");
        assertEquals(50005, detached.at("/error/code").asInt());
    }

    @Test
    void aKeyWithoutTheCapabilityFailsTheChannelWith40160() {
        AblyTranslator t = translator("other:*", "", 10);
        t.fromClient("{\"action\":10,\"channel\":\"chat:a\"}");
        JsonNode err = peer.client();
        assertEquals(9, err.get("action").asInt());
        assertEquals(40160, err.at("/error/code").asInt());
        assertFalse(peer.ended);
    }

    @Test
    void messagesAreTranslatedOncePerFrameAndEchoOffDropsTheConnectionsOwn() throws IOException {
        String mine = "{\"type\":\"message\",\"channel\":\"chat:a\",\"position\":\"" + P1 + "\",\"id\":\"a-conn:0:0\","
                + "\"data\":{\"x\":1},\"timestamp\":5}";
        MessageFrames frames = new MessageFrames();
        Buffer b = frame(mine);
        assertSame(frames.translate(b), frames.translate(b), "one translation per frame");

        AblyTranslator t = translator("*", "echo=false", 10);
        attach(t, "chat:a");
        t.fromSession(Out.MESSAGE, frame(mine));
        t.fromSession(Out.MESSAGE, frame(mine.replace("a-conn:0:0", "other:0:0")));
        JsonNode pm = peer.client();
        assertEquals(15, pm.get("action").asInt());
        JsonNode m = pm.at("/messages/0");
        assertEquals("other:0:0", m.get("id").asText());
        assertEquals(P1, m.get("serial").asText());
        assertEquals(P1, pm.get("channelSerial").asText());
        assertEquals("json", m.get("encoding").asText());
        assertEquals("{\"x\":1}", m.get("data").asText());
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
    void kafkaStallsAndRecoveriesAreConnectionUpdates() {
        AblyTranslator t = translator();
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
        AblyTranslator t = translator();
        t.fromSession(Out.CONNECTED, frame("{\"type\":\"connected\"}"));
        t.fromSession(Out.STREAM, frame("{\"type\":\"stream\",\"state\":\"stalled\",\"reason\":\"kafka_unavailable\"}"));
        t.opened();
        JsonNode connected = peer.client();
        assertEquals(4, connected.get("action").asInt());
        assertEquals(50005, connected.at("/error/code").asInt(), "one CONNECTED, with the stall in it");
        t.fromSession(Out.STREAM, frame("{\"type\":\"stream\",\"state\":\"live\"}"));
        JsonNode live = peer.client();
        assertEquals(4, live.get("action").asInt(), "then an update when Kafka answers again");
        assertFalse(live.has("error"));
    }

    @Test
    void closingSaysWhyInAblyTerms() {
        AblyTranslator t = translator();
        t.closing(CloseReason.SERVER_SHUTDOWN);
        JsonNode d = peer.client();
        assertEquals(6, d.get("action").asInt(), "reconnectable: DISCONNECTED");
        assertNotNull(d.get("error"));
        translator().closing(CloseReason.UNAUTHORIZED);
        assertEquals(9, peer.client().get("action").asInt(), "terminal: ERROR");
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
