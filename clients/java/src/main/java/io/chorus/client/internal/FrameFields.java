package io.chorus.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;

/** Typed, checked access to one frame's fields; a field of the wrong type is an error, not a default. */
final class FrameFields {

    private final JsonNode root;

    FrameFields(JsonNode root) {
        this.root = root;
    }

    String text(String field) {
        String value = optText(field);
        if (value == null) {
            throw invalid(field, "is missing");
        }
        return value;
    }

    String optText(String field) {
        JsonNode n = present(field);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(field, "is not a string");
        }
        return n.textValue();
    }

    long optLong(String field, long absent) {
        JsonNode n = present(field);
        if (n == null) {
            return absent;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw invalid(field, "is not an integer");
        }
        return n.longValue();
    }

    Boolean optBool(String field) {
        JsonNode n = present(field);
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            throw invalid(field, "is not a boolean");
        }
        return n.booleanValue();
    }

    /** Absent and JSON null mean the same: the protocol never gives null a meaning of its own here. */
    private JsonNode present(String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n;
    }

    private ChorusException invalid(String field, String problem) {
        String type = root.path("type").isTextual() ? FrameCodec.quote(root.path("type").textValue()) : "?";
        return new ChorusException(ErrorCode.INVALID_FIELD, "frame '" + type + "': field " + field + " " + problem);
    }
}
