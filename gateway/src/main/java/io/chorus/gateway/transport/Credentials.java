package io.chorus.gateway.transport;

import io.chorus.gateway.Services;
import io.chorus.gateway.auth.Principal;
import io.vertx.core.http.HttpServerRequest;

/** Authenticates a request from its Authorization header or {@code token} query parameter. */
public final class Credentials {

    private Credentials() {
    }

    public static Principal authenticate(HttpServerRequest req, Services services, String anonymousId) {
        return services.auth().authenticate(req.getHeader("Authorization"), req.getParam("token"), anonymousId);
    }
}
