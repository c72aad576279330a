package io.chorus.client.internal.ws;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The server did not upgrade the connection: a status other than 101 (a 503 may say when to come
 * back in {@code Retry-After}), or a 101 whose headers do not prove it speaks WebSocket to us (a wrong
 * {@code Sec-WebSocket-Accept}, an extension we did not offer).
 */
public final class HandshakeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, List<String>> headers;

    HandshakeException(String message, int status, Map<String, List<String>> headers) {
        super(message);
        this.status = status;
        this.headers = headers;
    }

    /** The HTTP status of the answer, or -1 when there was no valid status line. */
    public int status() {
        return status;
    }

    /** The first value of a response header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers == null ? null : headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
