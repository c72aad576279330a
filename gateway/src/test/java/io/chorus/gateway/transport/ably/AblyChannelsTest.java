package io.chorus.gateway.transport.ably;

import static io.chorus.gateway.transport.ably.AblyRecorder.P1;
import static io.chorus.gateway.transport.ably.AblyRecorder.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.session.Out;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Channels through the translator ({@link AblyChannels}), without sockets or Kafka: ATTACH and DETACH in,
 * the session's subscribe and unsubscribe out; its answers and messages in, ATTACHED, DETACHED and MESSAGE
 * out. Every frame either side receives is recorded, and each test ends with nothing left unexamined.
 */
class AblyChannelsTest {

    private final AblyRecorder peer = new AblyRecorder();

    @AfterEach
    void nothingUnexpected() {
        peer.assertExhausted();
    }

    @Test
    void attachSubscribesAndAttachedCarriesThePositionAndTheGrantedModes() {
        AblyTranslator t = peer.alice();
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
        AblyTranslator t = peer.alice();
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
        AblyTranslator t = peer.alice();
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
        AblyTranslator t = peer.alice();
        t.fromClient("{\"action\":10,\"channel\":\"chat:r\",\"params\":{\"rewind\":\"1m\"},\"channelSerial\":\""
                + P1 + "\"}");
        JsonNode sub = peer.session();
        assertEquals(P1, sub.get("since").asText());
        assertFalse(sub.has("rewind"));
    }

    @Test
    void rewindByTimeSkipsRewoundMessagesOlderThanTheIntervalThenPassesEverything() {
        AblyTranslator t = peer.alice();
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
        AblyTranslator t = peer.alice();
        for (String bad : List.of("ten", "-1", "1d", "1.5m", "99999999999")) {
            t.fromClient("{\"action\":10,\"channel\":\"chat:b\",\"params\":{\"rewind\":\"" + bad + "\"}}");
            peer.clientError(9, 40003, bad);
        }
        assertFalse(peer.ended, "a channel error: the connection goes on");
    }

    @Test
    void aKeyWithoutTheCapabilityFailsTheChannelWith40160() {
        AblyTranslator t = peer.translator("other:*", "", 10);
        t.fromClient("{\"action\":10,\"channel\":\"chat:a\"}");
        peer.clientError(9, 40160, null);
        assertFalse(peer.ended);
    }

    @Test
    void detachUnsubscribesAndAnEndedSubscriptionIsAServerDetach() {
        AblyTranslator t = peer.alice();
        peer.attach(t, "chat:a");
        t.fromClient("{\"action\":12,\"channel\":\"chat:a\"}");
        JsonNode unsub = peer.session();
        assertEquals("unsubscribe", unsub.get("type").asText());
        t.fromSession(Out.REPLY, frame("{\"type\":\"unsubscribed\",\"ref\":\"" + unsub.get("ref").asText()
                + "\",\"channel\":\"chat:a\"}"));
        assertEquals(13, peer.client().get("action").asInt());

        peer.attach(t, "chat:b");
        t.fromSession(Out.CHANNEL_ERROR, frame("{\"type\":\"error\",\"channel\":\"chat:b\",\"code\":50301,"
                + "\"error\":\"kafka_unavailable\",\"message\":\"down\",\"retryable\":true}"));
        peer.clientError(13, 50005, "RTL13a: the SDK reattaches from its channelSerial");
    }

    @Test
    void deliveriesNameThePublishersClientAndConnectionAndEchoOffUsesTheConnection() {
        AblyTranslator t = peer.translator("*", "echo=false", 10);
        peer.attach(t, "chat:e");
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
    void messagesAreTranslatedOncePerFrameAndEchoOffDropsTheConnectionsOwn() throws IOException {
        String mine = "{\"type\":\"message\",\"channel\":\"chat:a\",\"position\":\"" + P1 + "\",\"id\":\"a-conn:0:0\","
                + "\"data\":{\"x\":1},\"timestamp\":5}";
        MessageFrames frames = new MessageFrames();
        Buffer b = frame(mine);
        assertSame(frames.translate(b), frames.translate(b), "one translation per frame");

        AblyTranslator t = peer.translator("*", "echo=false", 10);
        peer.attach(t, "chat:a");
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
}
