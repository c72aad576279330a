package io.chorus.client.internal;

import java.net.URI;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Where the client's tokens come from: at most one of a fixed {@code token}, an application
 * {@code callback}, or an {@code url} to GET; all null for an anonymous client.
 */
public record AuthOptions(String token, Supplier<CompletionStage<String>> callback, URI url) {

    public static final AuthOptions NONE = new AuthOptions(null, null, null);

    /** A token can be fetched again: the client can refresh in band and reconnect after expiry. */
    public boolean renewable() {
        return callback != null || url != null;
    }

    public boolean present() {
        return token != null || renewable();
    }

    /** The token itself stays out of logs. */
    @Override
    public String toString() {
        return token != null ? "fixed token" : callback != null ? "authCallback" : url != null ? "authUrl " + url : "none";
    }
}
