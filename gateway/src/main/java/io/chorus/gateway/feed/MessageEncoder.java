package io.chorus.gateway.feed;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.chorus.schema.RecordConvention;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns a record into the wire {@code message} frame. A value that is one complete JSON value is
 * re-emitted compactly (so it fits one SSE {@code data:} line); anything else goes out base64 with
 * {@code "encoding":"base64"}. Headers longer than {@link RecordConvention#MAX_HEADER_BYTES} or not
 * UTF-8 text are ignored rather than trusted. A record a client published through a gateway names its
 * publisher ({@code clientId}, {@code connectionId} from the {@code chorus-client} and
 * {@code chorus-connection} headers), so that Ably deliveries carry them (TM2b, TM2c) and any client can
 * tell its own messages.
 */
public final class MessageEncoder {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private MessageEncoder() {
    }

    public static FeedMessage encode(String channel, TopicInfo topic, int partition, long offset, long timestamp,
                                     byte[] value, Headers headers) {
        String position = topic.position(partition, offset).encode();
        String id = header(headers, RecordConvention.HEADER_ID);
        String name = header(headers, RecordConvention.HEADER_NAME);
        String clientId = header(headers, RecordConvention.HEADER_CLIENT);
        String connectionId = header(headers, RecordConvention.HEADER_CONNECTION);
        String messageId = id != null ? id : position;
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + (value == null ? 0 : value.length * 4 / 3));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "message");
            g.writeStringField("channel", channel);
            g.writeStringField("position", position);
            g.writeStringField("id", messageId);
            if (name != null) {
                g.writeStringField("name", name);
            }
            if (clientId != null) {
                g.writeStringField("clientId", clientId);
            }
            if (connectionId != null) {
                g.writeStringField("connectionId", connectionId);
            }
            g.writeFieldName("data");
            boolean json = value == null || copyJson(value, g);
            if (!json) {
                g.writeString(Base64.getEncoder().encodeToString(value));
                g.writeStringField("encoding", "base64");
            } else if (value == null) {
                g.writeNull();
            }
            g.writeNumberField("timestamp", timestamp);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FeedMessage(channel, partition, offset, position, messageId, timestamp,
                Buffer.buffer(out.toByteArray()));
    }

    /**
     * Validates the value as exactly one JSON value and only then copies it into the generator: a value
     * found invalid halfway through must not leave a half-written frame behind.
     */
    private static boolean copyJson(byte[] value, JsonGenerator g) throws IOException {
        if (!isJson(value)) {
            return false;
        }
        try (JsonParser p = JSON.createParser(value)) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
        return true;
    }

    static boolean isJson(byte[] value) {
        try (JsonParser p = JSON.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static String header(Headers headers, String key) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(key);
        if (h == null || h.value() == null || h.value().length == 0
                || h.value().length > RecordConvention.MAX_HEADER_BYTES) {
            return null;
        }
        String s = new String(h.value(), StandardCharsets.UTF_8);
        return s.indexOf('\uFFFD') >= 0 ? null : s;
    }
}
