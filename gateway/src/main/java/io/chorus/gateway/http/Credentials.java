package io.chorus.gateway.http;

import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Principal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Authenticates a request from its Authorization header or {@code token} query parameter, for the
 * REST API and the transports alike. A token whose kid is not known yet waits for the refreshed keys;
 * the result comes back on {@code context}.
 */
public final class Credentials {

    private Credentials() {
    }

    public static Future<Principal> authenticate(HttpServerRequest req, Context context, Authenticator auth,
                                                 String anonymousId) {
        CompletableFuture<Principal> f = auth.authenticateAsync(req.getHeader("Authorization"), req.getParam("token"),
                anonymousId).toCompletableFuture();
        // Almost always done already: answer on this event loop now rather than after another turn of it.
        if (f.isDone()) {
            try {
                return Future.succeededFuture(f.join());
            } catch (CompletionException e) {
                return Future.failedFuture(e.getCause());
            }
        }
        return Future.fromCompletionStage(f, context);
    }
}
