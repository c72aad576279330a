package io.chorus.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.client.Message;
import io.chorus.client.Occupancy;
import io.chorus.client.PresenceEvent;
import io.chorus.client.PresenceMember;
import io.chorus.client.PresenceMembers;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frames of PROTOCOL.md, read and written without a socket. */
class FrameCodecTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final FrameCodec codec = new FrameCodec(mapper);

    @Test
    void theProtocolsExampleFramesAreRead() {
        assertEquals(new Frame.Connected("c-5f2a", null, 15000), codec.decode("{\"type\":\"connected\",\"connectionId\":\"c-5f2a\","
                + "\"heartbeatMs\":15000,\"idleTimeoutMs\":45000,\"limits\":{\"maxMessageBytes\":65536}}"));
        assertEquals(new Frame.Subscribed("3", "chat:room1", "Ab9x.7.8.-1", false, "topic_changed"),
                codec.decode("{\"type\":\"subscribed\",\"ref\":\"3\",\"channel\":\"chat:room1\",\"position\":\"Ab9x.7.8.-1\","
                        + "\"resumed\":false,\"reason\":\"topic_changed\"}"));
        assertEquals(new Frame.Ack("5", "m-18", "q.7.8.44", false), codec.decode("{\"type\":\"ack\",\"ref\":\"5\","
                + "\"channel\":\"chat:room1\",\"id\":\"m-18\",\"position\":\"q.7.8.44\",\"duplicate\":false}"));
        assertEquals(new Frame.Unsubscribed("4", "chat:room1"),
                codec.decode("{\"type\":\"unsubscribed\",\"ref\":\"4\",\"channel\":\"chat:room1\"}"));
        assertEquals(new Frame.Ping(null), codec.decode("{\"type\":\"ping\"}"));
        assertEquals(new Frame.Pong("7"), codec.decode("{\"type\":\"pong\",\"ref\":\"7\"}"));
    }

    @Test
    void aJsonMessageKeepsItsDataAndNameAndAMissingIdIsThePosition() {
        Message m = message("{\"type\":\"message\",\"channel\":\"chat:room1\",\"position\":\"q.7.8.42\","
                + "\"name\":\"chat\",\"data\":{\"text\":\"hi\"},\"timestamp\":1764284400123,\"extra\":1}");
        assertEquals("q.7.8.42", m.id());
        assertEquals("chat", m.name());
        assertEquals("hi", m.data().path("text").asText());
        assertEquals(1764284400123L, m.timestamp());
        assertArrayEquals("{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8), m.bytes());
    }

    @Test
    void aBase64MessageKeepsTheTextNodeAndDecodesItsBytes() {
        Message m = message("{\"type\":\"message\",\"channel\":\"c\",\"position\":\"p\",\"id\":\"x\","
                + "\"data\":\"aGVsbG8gd29ybGQ=\",\"encoding\":\"base64\",\"timestamp\":1}");
        assertTrue(m.data().isTextual());
        assertEquals("base64", m.encoding());
        assertArrayEquals("hello world".getBytes(StandardCharsets.US_ASCII), m.bytes());
    }

    @Test
    void aNullRecordValueIsAJsonNullNode() {
        Message m = message("{\"type\":\"message\",\"channel\":\"c\",\"position\":\"p\",\"id\":\"x\",\"data\":null,\"timestamp\":1}");
        assertTrue(m.data().isNull());
        assertNull(m.name());
    }

    @Test
    void anErrorFrameBecomesTheSchemasExceptionAndItsRetryableFlagWins() {
        Frame.Error e = assertInstanceOf(Frame.Error.class, codec.decode("{\"type\":\"error\",\"ref\":\"6\",\"code\":40004,"
                + "\"error\":\"invalid_channel\",\"message\":\"channel name is empty\",\"retryable\":false}"));
        assertEquals(ErrorCode.INVALID_CHANNEL, e.toException().code());
        assertEquals("channel name is empty", e.toException().getMessage());
        Frame.Error busy = (Frame.Error) codec.decode("{\"type\":\"error\",\"ref\":\"1\",\"code\":50302,\"error\":\"busy\"}");
        assertTrue(busy.retryable(), "absent flag: the code's default");
        Frame.Error future = (Frame.Error) codec.decode("{\"type\":\"error\",\"ref\":\"1\",\"code\":50399,"
                + "\"error\":\"brand_new\",\"message\":\"m\",\"retryable\":true}");
        assertEquals(ErrorCode.INTERNAL, future.toException().code());
        assertTrue(future.toException().getMessage().contains("50399 brand_new"));
    }

    @Test
    void framesThatBreakTheProtocolAreRefusedWithTheMatchingCode() {
        assertCode(ErrorCode.BAD_JSON, "{\"type\":");
        assertCode(ErrorCode.BAD_JSON, "\"just a string\"");
        assertCode(ErrorCode.INVALID_FIELD, "{\"no\":\"type\"}");
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":7}");
        assertCode(ErrorCode.UNKNOWN_TYPE, "{\"type\":\"teleport\"}");
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":\"subscribed\",\"channel\":\"c\",\"position\":\"p\"}");
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":\"subscribed\",\"ref\":\"1\",\"channel\":\"c\",\"position\":\"p\",\"resumed\":\"yes\"}");
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":\"connected\",\"heartbeatMs\":\"soon\"}");
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":\"message\",\"channel\":\"c\",\"position\":\"p\",\"data\":1,\"encoding\":\"base64\"}");
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":\"message\",\"channel\":\"c\",\"data\":1}");
    }

    @Test
    void requestFramesCarryTheirRefAndOnlyTheFieldsThatApply() throws Exception {
        assertEquals(json("{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"c\"}"), json(codec.subscribe("1", "c", null, 0, false, false)));
        assertEquals(json("{\"type\":\"subscribe\",\"ref\":\"2\",\"channel\":\"c\",\"since\":\"p\"}"), json(codec.subscribe("2", "c", "p", 0, false, false)));
        assertEquals(json("{\"type\":\"subscribe\",\"ref\":\"3\",\"channel\":\"c\",\"rewind\":10}"), json(codec.subscribe("3", "c", null, 10, false, false)));
        assertEquals(json("{\"type\":\"unsubscribe\",\"ref\":\"4\",\"channel\":\"c\"}"), json(codec.unsubscribe("4", "c")));
        assertEquals(json("{\"type\":\"pong\"}"), json(codec.pong()));

        PublishRequest p = PublishRequest.create(mapper, "c", null, Map.of("k", 1), "id-1");
        assertEquals(json("{\"type\":\"publish\",\"ref\":\"5\",\"channel\":\"c\",\"id\":\"id-1\",\"data\":{\"k\":1}}"),
                json(codec.publish("5", p, false)));
        assertEquals(json("{\"type\":\"publish\",\"ref\":\"6\",\"channel\":\"c\",\"id\":\"id-1\",\"data\":{\"k\":1},\"retry\":true}"),
                json(codec.publish("6", p, true)));
    }

    @Test
    void theAuthPresenceAndOccupancyFramesOfTheProtocolAreRead() {
        assertEquals(new Frame.Authed("9", "user-42", 1764288000000L), codec.decode(
                "{\"type\":\"authed\",\"ref\":\"9\",\"clientId\":\"user-42\",\"expiresAt\":1764288000000}"));
        assertEquals(new Frame.AuthExpiring(1764288000000L),
                codec.decode("{\"type\":\"auth_expiring\",\"expiresAt\":1764288000000}"));
        assertEquals(new Frame.PresenceDone("1", "entered", "room:7"),
                codec.decode("{\"type\":\"entered\",\"ref\":\"1\",\"channel\":\"room:7\"}"));
        assertEquals(new Frame.PresenceDone("2", "left", "room:7"),
                codec.decode("{\"type\":\"left\",\"ref\":\"2\",\"channel\":\"room:7\"}"));

        PresenceMembers sync = assertInstanceOf(Frame.PresenceSync.class, codec.decode("{\"type\":\"presence_sync\","
                + "\"channel\":\"room:7\",\"members\":[{\"clientId\":\"user-42\",\"data\":{\"name\":\"Ada\"},"
                + "\"updatedAt\":1764284400123}],\"count\":1,\"complete\":true}")).members();
        assertEquals(1, sync.count());
        assertEquals(new PresenceMember("user-42", mapper.createObjectNode().put("name", "Ada"), 1764284400123L),
                sync.members().get(0));
        PresenceMembers over = assertInstanceOf(Frame.PresenceReply.class, codec.decode("{\"type\":\"presence\","
                + "\"ref\":\"3\",\"channel\":\"room:7\",\"members\":[],\"count\":1001,\"complete\":false}")).members();
        assertEquals(new PresenceMembers("room:7", java.util.List.of(), 1001, false), over);

        Frame.PresenceChange change = assertInstanceOf(Frame.PresenceChange.class, codec.decode("{\"type\":"
                + "\"presence_event\",\"channel\":\"room:7\",\"action\":\"enter\",\"member\":{\"clientId\":"
                + "\"user-7\",\"data\":null,\"updatedAt\":1764284401000}}"));
        assertEquals(PresenceEvent.Action.ENTER, change.action());
        assertTrue(change.member().data().isNull(), "data null is a JSON null node");

        assertEquals(new Frame.OccupancyEvent(new Occupancy("poll:evt42", 1000212, 0)), codec.decode(
                "{\"type\":\"occupancy\",\"channel\":\"poll:evt42\",\"subscribers\":1000212,\"members\":0}"));
        assertEquals(new Frame.OccupancyReply("4", new Occupancy("poll:evt42", 3, 1)), codec.decode(
                "{\"type\":\"occupancy\",\"ref\":\"4\",\"channel\":\"poll:evt42\",\"subscribers\":3,\"members\":1}"));

        Frame.Error limited = assertInstanceOf(Frame.Error.class, codec.decode("{\"type\":\"error\",\"ref\":\"5\","
                + "\"code\":42902,\"error\":\"rate_limited\",\"message\":\"slow down\",\"retryable\":true,"
                + "\"retryAfterMs\":1500}"));
        assertEquals(1500, limited.retryAfterMs());
        assertEquals(1500, limited.toException().retryAfterMs());
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":\"presence_event\",\"channel\":\"c\",\"action\":\"dance\","
                + "\"member\":{\"clientId\":\"a\"}}");
        assertCode(ErrorCode.INVALID_FIELD, "{\"type\":\"presence_sync\",\"channel\":\"c\",\"members\":{}}");
    }

    @Test
    void authAndPresenceRequestsCarryOnlyTheirFields() throws Exception {
        assertEquals(json("{\"type\":\"auth\",\"ref\":\"1\",\"token\":\"a.b.c\"}"), json(codec.auth("1", "a.b.c")));
        assertEquals(json("{\"type\":\"subscribe\",\"ref\":\"2\",\"channel\":\"c\",\"presence\":true,\"occupancy\":true}"),
                json(codec.subscribe("2", "c", null, 0, true, true)));
        assertEquals(json("{\"type\":\"enter\",\"ref\":\"3\",\"channel\":\"c\",\"data\":{\"name\":\"Ada\"}}"),
                json(codec.presenceChange("enter", "3", "c", mapper.createObjectNode().put("name", "Ada"))));
        assertEquals(json("{\"type\":\"update\",\"ref\":\"4\",\"channel\":\"c\"}"),
                json(codec.presenceChange("update", "4", "c", null)));
        assertEquals(json("{\"type\":\"leave\",\"ref\":\"5\",\"channel\":\"c\"}"), json(codec.channelRequest("leave", "5", "c")));
        assertEquals(json("{\"type\":\"occupancy\",\"ref\":\"6\",\"channel\":\"c\"}"),
                json(codec.channelRequest("occupancy", "6", "c")));
    }

    private Message message(String text) {
        return assertInstanceOf(Frame.MessageFrame.class, codec.decode(text)).message();
    }

    private void assertCode(ErrorCode expected, String text) {
        assertEquals(expected, assertThrows(ChorusException.class, () -> codec.decode(text)).code(), text);
    }

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }
}
