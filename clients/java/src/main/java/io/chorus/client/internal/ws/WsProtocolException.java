package io.chorus.client.internal.ws;

import java.io.IOException;

/** The server broke RFC 6455, or sent more than the limits allow; {@link #closeCode} went back to it. */
public final class WsProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int closeCode;

    WsProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /** 1002 (protocol error), 1007 (invalid UTF-8) or 1009 (too big). */
    public int closeCode() {
        return closeCode;
    }
}
