package io.chorus.gateway.http.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.schema.Position;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Link header of a history page, read the way ably-js reads it (paginatedresource.ts: split on
 * commas, each {@code <./messages?query>; rel="name"}): first has no cursor, current has this page's,
 * next has the position the next page continues from, and the query keeps every filter.
 */
class AblyHistoryLinkTest {

    private static final Pattern LINK = Pattern.compile("^\\s*<(.+)>;\\s*rel=\"(\\w+)\"$");
    private static final Pattern URL = Pattern.compile("^\\./(\\w+)\\?(.*)$");
    private final UUID topic = UUID.randomUUID();

    /** rel to its query parameters, as ably-js's parseRelLinks returns them. */
    private static Map<String, Map<String, String>> parse(String header) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String part : header.split(",")) {
            Matcher m = LINK.matcher(part);
            assertTrue(m.matches(), part);
            Matcher u = URL.matcher(m.group(1));
            assertTrue(u.matches(), m.group(1));
            assertEquals("messages", u.group(1));
            Map<String, String> params = new HashMap<>();
            for (String kv : u.group(2).split("&")) {
                int eq = kv.indexOf('=');
                params.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            out.put(m.group(2), params);
        }
        return out;
    }

    @Test
    void backwardPagesLinkToTheNextWithTheirFilters() {
        Position cursor = new Position(topic, 2, 8, 500);
        Position next = new Position(topic, 2, 8, 400);
        Position until = new Position(topic, 2, 8, 510);
        var q = new AblyHistory.Query(false, 100, 1000L, 2000L, until, cursor);
        Map<String, Map<String, String>> links = parse(q.link(next));
        assertEquals(next.encode(), links.get("next").get("before"));
        assertEquals(cursor.encode(), links.get("current").get("before"));
        assertFalse(links.get("first").containsKey("before"));
        for (Map<String, String> p : links.values()) {
            assertEquals("backwards", p.get("direction"));
            assertEquals("100", p.get("limit"));
            assertEquals("1000", p.get("start"));
            assertEquals("2000", p.get("end"));
            assertEquals(until.encode(), p.get("from_serial"));
        }
    }

    @Test
    void theLastPageHasNoNextAndForwardPagesUseSince() {
        var q = new AblyHistory.Query(true, 10, null, null, null, null);
        Map<String, Map<String, String>> last = parse(q.link(null));
        assertEquals(Map.of("direction", "forwards", "limit", "10"), last.get("first"));
        assertFalse(last.containsKey("next"));
        Position next = new Position(topic, 0, 1, 9);
        assertEquals(next.encode(), parse(q.link(next)).get("next").get("since"));
    }
}
