package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * How an export is written, row by row so it can stream: CSV (RFC 4180: a header row, CRLF, fields
 * with a comma, quote or line break quoted and quotes doubled; the response column holds the
 * response as JSON) or JSON ({@code {"event", "activity", "responses": [...], "truncated"}}).
 */
enum ExportFormat {
    CSV("text/csv; charset=utf-8") {
        @Override
        void begin(StringBuilder out, String event, String activity) {
            out.append(String.join(",", COLUMNS)).append("\r\n");
        }

        @Override
        void row(StringBuilder out, JsonNode record, boolean first) {
            for (int i = 0; i < COLUMNS.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                JsonNode v = record.get(COLUMNS[i]);
                field(out, v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
            }
            out.append("\r\n");
        }

        @Override
        void end(StringBuilder out, boolean truncated) {
        }
    },
    JSON("application/json") {
        @Override
        void begin(StringBuilder out, String event, String activity) {
            out.append("{\"event\":").append(JsonNodeFactory.instance.textNode(event))
                    .append(",\"activity\":").append(activity == null ? "null"
                            : JsonNodeFactory.instance.textNode(activity).toString())
                    .append(",\"responses\":[");
        }

        @Override
        void row(StringBuilder out, JsonNode record, boolean first) {
            if (!first) {
                out.append(',');
            }
            out.append(record.toString());
        }

        @Override
        void end(StringBuilder out, boolean truncated) {
            out.append("],\"truncated\":").append(truncated).append('}');
        }
    };

    /** The fields of an audit record (ENGAGE.md), in column order. */
    static final String[] COLUMNS = {"event", "activity", "round", "participant", "id", "at", "response"};

    private final String contentType;

    ExportFormat(String contentType) {
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    abstract void begin(StringBuilder out, String event, String activity);

    abstract void row(StringBuilder out, JsonNode record, boolean first);

    abstract void end(StringBuilder out, boolean truncated);

    /** {@code csv} or {@code json} (default csv); null for anything else. */
    static ExportFormat of(String name) {
        if (name == null || name.equals("csv")) {
            return CSV;
        }
        return name.equals("json") ? JSON : null;
    }

    static void field(StringBuilder out, String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            out.append(s);
            return;
        }
        out.append('"').append(s.replace("\"", "\"\"")).append('"');
    }
}
