package io.chorus.gateway.transport;

import io.chorus.gateway.Services;
import io.chorus.gateway.auth.Principal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Authenticates a request as {@link Credentials} does, but lets a token whose kid is not known yet
 * wait for the refreshed keys; the result comes back on {@code context}.
 */
public final class AsyncCredentials {

    private AsyncCredentials() {
    }

    public static Future<Principal> authenticate(HttpServerRequest req, Context context, Services services,
                                                 String anonymousId) {
        CompletableFuture<Principal> f = services.auth().authenticateAsync(req.getHeader("Authorization"),
                req.getParam("token"), anonymousId).toCompletableFuture();
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
