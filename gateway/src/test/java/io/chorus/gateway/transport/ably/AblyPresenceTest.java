package io.chorus.gateway.transport.ably;

import static io.chorus.gateway.transport.ably.AblyRecorder.P1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.session.Out;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ably presence through the translator, without sockets or Kafka: PRESENCE ProtocolMessages become the
 * session's enter/update/leave and are ACKed in msgSerial order; the session's presence_sync and
 * presence_event (as PROTOCOL.md writes them) become SYNC and PRESENCE as ably-js reads them
 * (realtimepresence.ts, presencemap.ts). Every frame either way is recorded and examined.
 */
class AblyPresenceTest {

    private static final int DEFAULT_MODES = AblyProtocol.MODE_SUBSCRIBE | AblyProtocol.MODE_PUBLISH
            | AblyProtocol.MODE_PRESENCE | AblyProtocol.MODE_PRESENCE_SUBSCRIBE;

    private final AblyRecorder peer = new AblyRecorder();

    @AfterEach
    void nothingUnexpected() {
        peer.assertExhausted();
    }

    private AblyTranslator translator(String clientId, Map<String, List<String>> capability) {
        return peer.translator(clientId, capability, "", 10);
    }

    private static void reply(AblyTranslator t, String type, JsonNode request) {
        t.fromSession(Out.REPLY, Buffer.buffer("{\"type\":\"" + type + "\",\"ref\":\"" + request.get("ref").asText()
                + "\",\"channel\":\"" + request.get("channel").asText() + "\"}"));
    }

    private static void refuse(AblyTranslator t, JsonNode request, String error) {
        t.fromSession(Out.ERROR, Buffer.buffer("{\"type\":\"error\",\"ref\":\"" + request.get("ref").asText()
                + "\",\"error\":\"" + error + "\",\"message\":\"no\"}"));
    }

    private static String presencePm(long msgSerial, String channel, String messages) {
        return "{\"action\":14,\"msgSerial\":" + msgSerial + ",\"channel\":\"" + channel + "\",\"presence\":["
                + messages + "]}";
    }

    /** ATTACH with the default modes, the session's subscribe (with presence) and subscribed; returns ATTACHED. */
    private JsonNode attach(AblyTranslator t, String channel) {
        t.fromClient("{\"action\":10,\"channel\":\"" + channel + "\"}");
        JsonNode sub = peer.session();
        assertTrue(sub.path("presence").asBoolean(), "the session watches the members");
        return peer.subscribed(t, sub);
    }

    private static Buffer sync(String channel, int members) {
        ObjectNode f = MessageCodec.JSON.createObjectNode().put("type", "presence_sync").put("channel", channel);
        ArrayNode list = f.putArray("members");
        for (int i = 0; i < members; i++) {
            list.addObject().put("clientId", String.format("u%04d", i)).put("data", "d" + i).put("updatedAt", 1000 + i);
        }
        return Buffer.buffer(f.put("count", members).put("complete", true).toString());
    }

    private static Buffer event(String channel, String action, String clientId, String data, long updatedAt) {
        return Buffer.buffer("{\"type\":\"presence_event\",\"channel\":\"" + channel + "\",\"action\":\"" + action
                + "\",\"member\":{\"clientId\":\"" + clientId + "\",\"data\":" + data + ",\"updatedAt\":" + updatedAt + "}}");
    }

    @Test
    void enterUpdateAndLeaveAreTheSessionsAndAreAckedInMsgSerialOrder() {
        AblyTranslator t = peer.alice();
        t.fromClient(presencePm(0, "room:1", "{\"action\":2,\"data\":\"{\\\"mood\\\":\\\"ok\\\"}\",\"encoding\":\"json\"}"));
        JsonNode enter = peer.session();
        assertEquals("enter", enter.get("type").asText());
        assertEquals("ok", enter.at("/data/mood").asText(), "encoding json: the member data is the JSON value");
        t.fromClient(presencePm(1, "room:1", "{\"action\":4,\"clientId\":\"alice\",\"data\":\"busy\"}"));
        JsonNode update = peer.session();
        assertEquals("update", update.get("type").asText());
        assertEquals("busy", update.get("data").asText());

        reply(t, "updated", update); // Kafka stored the update first: its ACK waits for the enter's
        assertTrue(peer.toClient.isEmpty());
        reply(t, "entered", enter);
        JsonNode ack = peer.client();
        assertEquals(AblyProtocol.ACK, ack.get("action").asInt());
        assertEquals(0, ack.get("msgSerial").asInt());
        assertEquals(2, ack.get("count").asInt());

        t.fromClient(presencePm(2, "room:1", "{\"action\":3}"));
        JsonNode leave = peer.session();
        assertEquals("leave", leave.get("type").asText());
        reply(t, "left", leave);
        assertEquals(2, peer.client().get("msgSerial").asInt());

        t.fromClient(presencePm(3, "room:1", "{\"action\":3}")); // not entered any more: leaving is still done
        refuse(t, peer.session(), "not_present");
        JsonNode idempotent = peer.client();
        assertEquals(AblyProtocol.ACK, idempotent.get("action").asInt());
        assertEquals(1.0, peer.registry.get("chorus_ably_presence").tag("action", "leave").counter().count(), 1.0);
    }

    @Test
    void refusalsAreNacksWithAblysCodes() {
        AblyTranslator anonymous = translator(null, Map.of("*", List.of("*")));
        anonymous.fromClient(presencePm(0, "room:1", "{\"action\":2,\"clientId\":\"bob\"}"));
        assertEquals(91000, peer.client().at("/error/code").asInt(), "no clientId: cannot enter");

        AblyTranslator t = peer.alice();
        t.fromClient(presencePm(0, "room:1", "{\"action\":2,\"clientId\":\"bob\"}"));
        JsonNode other = peer.client();
        assertEquals(AblyProtocol.NACK, other.get("action").asInt());
        assertEquals(40012, other.at("/error/code").asInt(), "enterClient for another clientId");
        t.fromClient(presencePm(1, "room:1", "{\"action\":2,\"data\":\"AAE=\",\"encoding\":\"base64\"}"));
        assertEquals(40000, peer.client().at("/error/code").asInt(), "binary member data");
        t.fromClient(presencePm(2, "room:1", "{\"action\":1}"));
        assertEquals(40000, peer.client().at("/error/code").asInt(), "PRESENT is the server's");
        t.fromClient(presencePm(3, "room:1", "{\"action\":2}"));
        refuse(t, peer.session(), "forbidden");
        assertEquals(40160, peer.client().at("/error/code").asInt(), "the key has no presence capability");
        t.fromClient(presencePm(4, "room:1", "{\"action\":2}"));
        refuse(t, peer.session(), "message_too_large");
        assertEquals(40009, peer.client().at("/error/code").asInt());
        t.fromClient("{\"action\":14,\"channel\":\"room:1\",\"presence\":[{\"action\":2}]}");
        assertEquals(80013, peer.client().at("/error/code").asInt(), "PRESENCE without msgSerial breaks the protocol");
        assertTrue(peer.ended);
    }

    @Test
    void attachedSaysHasPresenceAndTheMembersFollowAsPagedSync() {
        AblyTranslator t = peer.alice();
        JsonNode attached = attach(t, "room:1");
        assertEquals(DEFAULT_MODES | AblyProtocol.HAS_PRESENCE, attached.get("flags").asInt());

        t.fromSession(Out.PRESENCE_SYNC, sync("room:1", 250));
        JsonNode[] pages = {peer.client(), peer.client(), peer.client()};
        String syncId = pages[0].get("channelSerial").asText().split(":")[0];
        assertEquals(List.of(syncId + ":1", syncId + ":2", syncId + ":"),
                List.of(pages[0].get("channelSerial").asText(), pages[1].get("channelSerial").asText(),
                        pages[2].get("channelSerial").asText()), "the cursor ends empty: the last page");
        assertEquals(List.of(100, 100, 50), List.of(pages[0].get("presence").size(), pages[1].get("presence").size(),
                pages[2].get("presence").size()));
        JsonNode first = pages[0].get("presence").get(0);
        assertEquals(AblyProtocol.SYNC, pages[0].get("action").asInt());
        assertEquals(AblyPresence.PRESENT, first.get("action").asInt());
        assertEquals("u0000", first.get("clientId").asText());
        assertEquals(AblyPresence.MEMBERS_CONNECTION, first.get("connectionId").asText());
        assertFalse(first.get("id").asText().startsWith(first.get("connectionId").asText()),
                "not this connection's: ably-js orders it by timestamp (RTP2b1)");
        assertEquals(1000, first.get("timestamp").asLong());
        assertEquals("d0", first.get("data").asText());

        t.fromSession(Out.PRESENCE_SYNC, sync("room:1", 0)); // back under the cap, or a fresh list: ends at once
        JsonNode empty = peer.client();
        assertTrue(empty.get("channelSerial").asText().endsWith(":"));
        assertTrue(empty.get("presence").isArray(), "ably-js only ends a sync that carries a presence array");
        assertFalse(empty.get("channelSerial").asText().startsWith(syncId + ":"), "a new sync id");
    }

    @Test
    void eventsArePresenceMessagesWhoseTimestampsNeverGoBack() {
        AblyTranslator t = peer.alice();
        attach(t, "room:1");
        t.fromSession(Out.PRESENCE_SYNC, sync("room:1", 0));
        peer.client();
        t.fromSession(Out.PRESENCE_EVENT, event("room:1", "enter", "bob", "{\"a\":[1]}", 5000));
        JsonNode pm = peer.client();
        assertEquals(AblyProtocol.PRESENCE, pm.get("action").asInt());
        assertFalse(pm.has("channelSerial"), "a PRESENCE must not move the channelSerial ably-js resumes from");
        JsonNode enter = pm.get("presence").get(0);
        assertEquals(AblyPresence.ENTER, enter.get("action").asInt());
        assertEquals("{\"a\":[1]}", enter.get("data").asText());
        assertEquals("json", enter.get("encoding").asText());
        assertEquals(5000, enter.get("timestamp").asLong());
        // Another pod's clock is behind: the update still comes after the enter for ably-js.
        t.fromSession(Out.PRESENCE_EVENT, event("room:1", "update", "bob", "null", 4000));
        JsonNode update = peer.client().get("presence").get(0);
        assertEquals(AblyPresence.UPDATE, update.get("action").asInt());
        assertFalse(update.has("data"));
        assertEquals(5000, update.get("timestamp").asLong());
        t.fromSession(Out.PRESENCE_EVENT, event("room:1", "leave", "bob", "null", 4000));
        JsonNode leave = peer.client().get("presence").get(0);
        assertEquals(AblyPresence.LEAVE, leave.get("action").asInt());
        assertEquals(enter.get("connectionId"), leave.get("connectionId"), "one member key from enter to leave");

        t.fromSession(Out.PRESENCE_EVENT, event("room:2", "enter", "bob", "null", 1)); // not attached: nothing
    }

    @Test
    void theConnectionsOwnMemberIsShownAsItsOwnSoAblyJsReentersIt() {
        AblyTranslator t = peer.alice();
        attach(t, "room:1");
        t.fromSession(Out.PRESENCE_SYNC, sync("room:1", 0));
        peer.client();
        t.fromClient(presencePm(7, "room:1", "{\"action\":2,\"data\":\"hi\"}"));
        JsonNode enter = peer.session();
        t.fromSession(Out.PRESENCE_EVENT, event("room:1", "enter", "alice", "\"hi\"", 10)); // may overtake the reply
        JsonNode own = peer.client().get("presence").get(0);
        assertEquals("a-conn", own.get("connectionId").asText(), "RTP17: ably-js keeps it among its own members");
        assertTrue(own.get("id").asText().startsWith("a-conn:7:"), "ordered by msgSerial and index (RTP2b2)");
        reply(t, "entered", enter);
        assertEquals(AblyProtocol.ACK, peer.client().get("action").asInt());

        t.fromClient(presencePm(8, "room:1", "{\"action\":3}"));
        JsonNode leave = peer.session();
        t.fromSession(Out.PRESENCE_EVENT, event("room:1", "leave", "alice", "\"hi\"", 10));
        JsonNode left = peer.client().get("presence").get(0);
        assertEquals("a-conn", left.get("connectionId").asText(), "the leave matches the member ably-js holds");
        String[] a = own.get("id").asText().split(":");
        String[] b = left.get("id").asText().split(":");
        assertTrue(Long.parseLong(b[1]) > Long.parseLong(a[1])
                || Long.parseLong(b[1]) == Long.parseLong(a[1]) && Long.parseLong(b[2]) > Long.parseLong(a[2]));
        reply(t, "left", leave);
        peer.client();

        // Entered from another device only: not this connection's, so ably-js will not re-enter it.
        t.fromSession(Out.PRESENCE_EVENT, event("room:1", "enter", "alice", "null", 20));
        assertEquals(AblyPresence.MEMBERS_CONNECTION, peer.client().at("/presence/0/connectionId").asText());
        // This connection enters too: the member keeps the key ably-js has for it, so it is never listed twice.
        t.fromClient(presencePm(9, "room:1", "{\"action\":2,\"data\":\"x\"}"));
        reply(t, "entered", peer.session());
        peer.client();
        t.fromSession(Out.PRESENCE_EVENT, event("room:1", "update", "alice", "\"x\"", 30));
        assertEquals(AblyPresence.MEMBERS_CONNECTION, peer.client().at("/presence/0/connectionId").asText());
    }

    @Test
    void capabilitiesDecideThePresenceModes() {
        AblyTranslator t = translator("alice", Map.of("ro:*", List.of("subscribe"), "pr:*", List.of("presence"),
                "both:*", List.of("subscribe", "presence")));
        t.fromClient("{\"action\":10,\"channel\":\"ro:1\"}");
        JsonNode sub = peer.session();
        assertFalse(sub.has("presence"), "no presence capability: no presence modes, no member watch");
        assertEquals(AblyProtocol.MODE_SUBSCRIBE, peer.subscribed(t, sub).get("flags").asInt(), "and no HAS_PRESENCE");

        t.fromClient("{\"action\":10,\"channel\":\"pr:1\"}");
        assertEquals(AblyProtocol.MODE_PRESENCE, peer.client().get("flags").asInt(),
                "presence without subscribe: enter only, no subscription");

        int asked = AblyProtocol.MODE_PRESENCE_SUBSCRIBE;
        t.fromClient("{\"action\":10,\"channel\":\"ro:2\",\"flags\":" + asked + "}");
        JsonNode refused = peer.client();
        assertEquals(AblyProtocol.ERROR, refused.get("action").asInt());
        assertEquals(40160, refused.at("/error/code").asInt());

        t.fromClient("{\"action\":10,\"channel\":\"both:1\",\"flags\":" + asked + "}");
        sub = peer.session();
        assertTrue(sub.path("presence").asBoolean());
        assertEquals(asked | AblyProtocol.HAS_PRESENCE, peer.subscribed(t, sub).get("flags").asInt());
        t.fromSession(Out.MESSAGE, Buffer.buffer("{\"type\":\"message\",\"channel\":\"both:1\",\"position\":\"" + P1
                + "\",\"id\":\"m1\",\"data\":\"x\",\"timestamp\":1}")); // not asked for: not delivered
    }

    @Test
    void detachingOrClosingLeavesTheConnectionsMembersAtOnce() {
        AblyTranslator t = peer.alice();
        attach(t, "room:1");
        t.fromClient(presencePm(0, "room:1", "{\"action\":2}"));
        reply(t, "entered", peer.session());
        peer.client();
        t.fromClient(presencePm(1, "room:2", "{\"action\":2}"));
        reply(t, "entered", peer.session());
        peer.client();

        t.fromClient("{\"action\":12,\"channel\":\"room:1\"}");
        JsonNode leave = peer.session();
        assertEquals("leave", leave.get("type").asText(), "RTP5a: a detached channel's member leaves");
        assertEquals("room:1", leave.get("channel").asText());
        refuse(t, leave, "kafka_unavailable"); // then it goes after Chorus's grace period: nothing to tell
        JsonNode unsub = peer.session();
        assertEquals("unsubscribe", unsub.get("type").asText());
        reply(t, "unsubscribed", unsub);
        assertEquals(AblyProtocol.DETACHED, peer.client().get("action").asInt());

        t.fromClient("{\"action\":7}");
        JsonNode last = peer.session();
        assertEquals("leave", last.get("type").asText(), "a clean close leaves too");
        assertEquals("room:2", last.get("channel").asText());
        assertEquals(AblyProtocol.CLOSED, peer.client().get("action").asInt());
        assertTrue(peer.ended);
    }
}
