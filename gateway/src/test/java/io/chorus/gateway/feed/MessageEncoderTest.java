package io.chorus.gateway.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.schema.ChannelName;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class MessageEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TopicInfo TOPIC = new TopicInfo("chorus.chat", UUID.randomUUID(), 8);

    private static JsonNode encode(String value, RecordHeaders headers) throws Exception {
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        FeedMessage m = MessageEncoder.encode("chat:a", TOPIC, 3, 42, 1000, bytes, headers);
        return JSON.readTree(m.frame().getBytes());
    }

    @Test
    void jsonValuesAreEmbeddedCompactlyOnOneLine() throws Exception {
        JsonNode n = encode("{\n  \"a\": [1, 2.50, \"x\"]\n}", new RecordHeaders());
        assertEquals("message", n.get("type").asText());
        assertEquals(2.5, n.get("data").get("a").get(1).asDouble());
        assertFalse(n.has("encoding"));
        assertEquals(TOPIC.position(3, 42).encode(), n.get("position").asText());
        assertFalse(MessageEncoder.encode("chat:a", TOPIC, 3, 42, 1000, "{\n}".getBytes(), null).frame()
                .toString().contains("\n"));
    }

    @Test
    void valuesThatAreNotExactlyOneJsonValueAreSentAsBase64() throws Exception {
        for (String v : new String[] {"hello", "{\"a\":1} trailing", "{\"a\":", "", "1 2"}) {
            JsonNode n = encode(v, new RecordHeaders());
            assertEquals("base64", n.get("encoding").asText(), v);
        }
        assertTrue(encode(null, null).get("data").isNull());
        assertEquals("text", encode("\"text\"", null).get("data").asText());
    }

    @Test
    void headersGiveNameAndIdButOversizedOrBinaryHeadersAreIgnored() throws Exception {
        RecordHeaders h = new RecordHeaders();
        h.add("chorus-name", "vote".getBytes(StandardCharsets.UTF_8));
        h.add("chorus-id", "x".repeat(300).getBytes(StandardCharsets.UTF_8));
        JsonNode n = encode("1", h);
        assertEquals("vote", n.get("name").asText());
        assertEquals(n.get("position").asText(), n.get("id").asText(), "oversized id header ignored");
        RecordHeaders bin = new RecordHeaders();
        bin.add("chorus-name", new byte[] {(byte) 0xff, (byte) 0xfe});
        assertFalse(encode("1", bin).has("name"));
    }

    @Test
    void aClientsPublishNamesItsClientAndConnectionAndABackendsRecordNeither() throws Exception {
        RecordHeaders h = new RecordHeaders();
        h.add("chorus-client", "alice".getBytes(StandardCharsets.UTF_8));
        h.add("chorus-connection", "a-xyz".getBytes(StandardCharsets.UTF_8));
        JsonNode n = encode("1", h);
        assertEquals("alice", n.get("clientId").asText());
        assertEquals("a-xyz", n.get("connectionId").asText());
        JsonNode backend = encode("1", new RecordHeaders());
        assertFalse(backend.has("clientId"));
        assertFalse(backend.has("connectionId"));
    }
}
