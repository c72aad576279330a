package io.chorus.gateway.transport;

import io.chorus.gateway.Services;
import io.chorus.gateway.session.StreamRequest;
import io.chorus.schema.ChannelName;
import io.vertx.core.http.HttpServerRequest;

/** Reads an SSE or long-poll request's channels and positions token, and checks their namespaces. */
public final class StreamRequests {

    private StreamRequests() {
    }

    public static StreamRequest parse(HttpServerRequest req, Services services) {
        String token = req.getHeader("Last-Event-ID");
        if (token == null) {
            token = req.getParam("positions");
        }
        if (token == null) {
            token = req.getParam("lastEventId");
        }
        StreamRequest parsed = StreamRequest.parse(req.params().getAll("channel"), token,
                services.config().fallback().maxChannels());
        for (ChannelName c : parsed.channels()) {
            services.subscriptions().namespace(c);
        }
        return parsed;
    }
}
