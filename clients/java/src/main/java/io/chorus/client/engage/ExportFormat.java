package io.chorus.client.engage;

import java.util.Locale;

/** {@code CSV}: RFC 4180 with a header row; {@code JSON}: {@code {event, activity, responses, truncated}}. */
public enum ExportFormat {
    CSV, JSON;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
