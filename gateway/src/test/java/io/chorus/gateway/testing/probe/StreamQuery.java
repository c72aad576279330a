package io.chorus.gateway.testing.probe;

import io.chorus.gateway.testing.WsProbe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The query of {@code /v1/sse} and {@code /v1/poll} for an {@link ClientProbe.Open} (PROTOCOL.md). */
final class StreamQuery {

    private StreamQuery() {
    }

    static String of(ClientProbe.Open open, String positions) {
        List<String> q = new ArrayList<>();
        open.channels().forEach(c -> q.add("channel=" + enc(c)));
        open.presence().forEach(c -> q.add("presence=" + enc(c)));
        open.occupancy().forEach(c -> q.add("occupancy=" + enc(c)));
        if (!open.enter().isEmpty()) {
            var e = WsProbe.JSON.createObjectNode();
            open.enter().forEach(e::set);
            q.add("enter=" + enc(e.toString()));
        }
        if (open.token() != null) {
            q.add("token=" + enc(open.token()));
        }
        if (positions != null) {
            q.add("positions=" + enc(positions));
        }
        return String.join("&", q);
    }

    /** The starting token: each channel's {@code since}, empty for live. */
    static String positions(ClientProbe.Open open) {
        if (open.since().isEmpty()) {
            return null;
        }
        List<String> p = new ArrayList<>();
        open.channels().forEach(c -> p.add(open.since().getOrDefault(c, "")));
        return String.join(",", p);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
