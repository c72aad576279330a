package io.chorus.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One message delivered on a channel.
 *
 * @param channel   the channel
 * @param position  its position; a valid {@code since} to resume after it
 * @param id        the message id (the publisher's id, or the position when the record had none)
 * @param name      the event name, or null
 * @param data      the payload; when {@code encoding} is {@code "base64"} a text node holding the base64
 *                  of the raw bytes (use {@link #bytes()}); a null record value is a JSON null node
 * @param encoding  null, or {@code "base64"} when the record value was not JSON
 * @param timestamp the Kafka record timestamp, epoch milliseconds
 */
public record Message(String channel, String position, String id, String name, JsonNode data,
                      String encoding, long timestamp) {

    public static final String BASE64 = "base64";

    /**
     * The payload as bytes: decoded for base64 messages, otherwise the UTF-8 of the JSON text (which
     * carries the same value as the record, though not necessarily its exact whitespace).
     */
    public byte[] bytes() {
        if (BASE64.equals(encoding)) {
            return Base64.getDecoder().decode(data.asText());
        }
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }
}
