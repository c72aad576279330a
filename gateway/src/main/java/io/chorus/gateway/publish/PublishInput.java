package io.chorus.gateway.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The fields of a publish as a client sends them (WebSocket frame or HTTP body), validated:
 * {@code data} (any JSON, or base64 bytes with {@code encoding}), optional {@code id} and {@code name}.
 * Shared by every transport so the rules cannot drift apart.
 */
public record PublishInput(String id, boolean generatedId, String name, byte[] value) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static PublishInput from(JsonNode body, String idOverride, int maxBytes) {
        JsonNode data = body.get("data");
        if (data == null) {
            throw invalid("publish needs a data field");
        }
        String id = idOverride != null ? idOverride : text(body, "id");
        if (id != null && !ID.matcher(id).matches()) {
            throw invalid("id must be 1 to 128 characters of [A-Za-z0-9_-:.@/=+]");
        }
        String name = text(body, "name");
        if (name != null && (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 128
                || name.chars().anyMatch(c -> c < 0x20))) {
            throw invalid("name must be 1 to 128 bytes of UTF-8 without control characters");
        }
        String encoding = text(body, "encoding");
        byte[] value;
        if (encoding == null) {
            value = bytes(data);
        } else if ("base64".equals(encoding)) {
            if (!data.isTextual()) {
                throw invalid("with encoding base64, data must be a base64 string");
            }
            try {
                value = Base64.getDecoder().decode(data.textValue());
            } catch (IllegalArgumentException e) {
                throw invalid("data is not valid base64");
            }
        } else {
            throw invalid("encoding must be base64 or absent");
        }
        if (value.length > maxBytes) {
            throw new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "data is " + value.length
                    + " bytes; the limit is " + maxBytes);
        }
        boolean generated = id == null;
        return new PublishInput(generated ? UUID.randomUUID().toString() : id, generated, name, value);
    }

    private static byte[] bytes(JsonNode data) {
        try {
            return JSON.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw invalid("data cannot be serialized");
        }
    }

    /** A string field, null when absent; {@link ErrorCode#INVALID_FIELD} when it is not a string. */
    public static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return n.textValue();
    }

    private static ChorusException invalid(String why) {
        return new ChorusException(ErrorCode.INVALID_FIELD, why);
    }
}
