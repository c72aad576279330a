package io.chorus.client.internal.ws;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Cookies on the upgrade, as a browser would send them: the application's CookieHandler, if any. */
final class Cookies {

    private Cookies() {
    }

    static void addTo(CookieHandler cookies, URI uri, Map<String, List<String>> request) throws IOException {
        if (cookies != null) {
            for (Map.Entry<String, List<String>> e : cookies.get(httpUri(uri), Map.of()).entrySet()) {
                if (!e.getValue().isEmpty()) {
                    request.put(e.getKey(), List.of(String.join("; ", e.getValue())));
                }
            }
        }
    }

    static void store(CookieHandler cookies, URI uri, Map<String, List<String>> response) throws IOException {
        if (cookies != null) {
            cookies.put(httpUri(uri), response);
        }
    }

    /** Cookie stores know http and https, not ws and wss. */
    private static URI httpUri(URI uri) {
        String scheme = "wss".equalsIgnoreCase(uri.getScheme()) ? "https" : "http";
        return URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
    }
}
