package io.chorus.client.internal.ws;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The HTTP/1.1 upgrade (RFC 6455 section 4.1): a GET with a random {@code Sec-WebSocket-Key}, and an
 * answer that must be 101 with {@code Sec-WebSocket-Accept} = base64(SHA-1(key + GUID)). The answer is
 * read within limits (line length, header count, total size), so a server that talks garbage or
 * endlessly fails the handshake instead of filling memory; the caller bounds the time.
 */
final class Handshake {

    static final int MAX_LINE_BYTES = 8192;
    static final int MAX_HEADER_BYTES = 64 << 10;
    static final int MAX_HEADERS = 100;

    private static final Random KEYS = new SecureRandom();

    private Handshake() {
    }

    static String newKey() {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Writes the upgrade request. {@code headers}: extra ones (Authorization, Cookie), names as given. */
    static void writeRequest(OutputStream out, URI uri, String key, Map<String, List<String>> headers)
            throws IOException {
        StringBuilder r = new StringBuilder(256);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        r.append("GET ").append(path);
        if (uri.getRawQuery() != null) {
            r.append('?').append(uri.getRawQuery());
        }
        r.append(" HTTP/1.1\r\n");
        header(r, "Host", hostHeader(uri));
        header(r, "Upgrade", "websocket");
        header(r, "Connection", "Upgrade");
        header(r, "Sec-WebSocket-Key", key);
        header(r, "Sec-WebSocket-Version", "13");
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            for (String value : h.getValue()) {
                header(r, h.getKey(), value);
            }
        }
        r.append("\r\n");
        out.write(r.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Reads the answer and checks it; returns its headers (lower-case names) when the connection is a
     * WebSocket now. The bytes after the header stay in {@code in}: a server may send its first frame
     * in the same packet as its 101.
     */
    static Map<String, List<String>> readResponse(InputStream in, String key) throws IOException {
        Head head = readHead(in);
        int status = head.status();
        Map<String, List<String>> headers = head.headers();
        if (status != 101) {
            throw new HandshakeException("the server refused the upgrade: " + printable(head.statusLine()), status,
                    headers);
        }
        check(headers, status, "upgrade", "websocket".equalsIgnoreCase(first(headers, "upgrade")));
        check(headers, status, "connection", tokens(first(headers, "connection")).contains("upgrade"));
        String expected = WsProtocol.acceptFor(key);
        String accept = first(headers, "sec-websocket-accept");
        if (!expected.equals(accept)) {
            throw new HandshakeException("the server answered Sec-WebSocket-Accept '" + accept + "', expected '"
                    + expected + "': it is not a WebSocket server, or a proxy mangled the upgrade", status, headers);
        }
        if (headers.containsKey("sec-websocket-extensions") || headers.containsKey("sec-websocket-protocol")) {
            throw new HandshakeException("the server chose an extension or subprotocol that was not offered", status,
                    headers);
        }
        return headers;
    }

    /** An HTTP/1.x response's status line and headers (lower-case names), body not read. */
    record Head(int status, String statusLine, Map<String, List<String>> headers) {
    }

    /** Reads a status line and headers up to the blank line, within the size limits. */
    static Head readHead(InputStream in) throws IOException {
        Budget budget = new Budget();
        String statusLine = readLine(in, budget);
        int status = parseStatus(statusLine);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(in, budget); !line.isEmpty(); line = readLine(in, budget)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new HandshakeException("a malformed header line in the answer", status, headers);
            }
            if (++budget.headers > MAX_HEADERS) {
                throw new HandshakeException("more than " + MAX_HEADERS + " headers in the answer", status, headers);
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return new Head(status, statusLine, headers);
    }

    private static void check(Map<String, List<String>> headers, int status, String name, boolean ok)
            throws HandshakeException {
        if (!ok) {
            throw new HandshakeException("the upgrade answer's " + name + " header is '" + first(headers, name)
                    + "'", status, headers);
        }
    }

    private static int parseStatus(String line) throws HandshakeException {
        // "HTTP/1.1 101 Switching Protocols": the reason phrase may be empty or missing.
        if (line.startsWith("HTTP/1.") && line.length() >= 12 && line.charAt(8) == ' ') {
            try {
                return Integer.parseInt(line.substring(9, 12));
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new HandshakeException("not an HTTP/1.x status line: '" + printable(line) + "'", -1, Map.of());
    }

    private static String readLine(InputStream in, Budget budget) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection ended before the end of the answer's header");
            }
            if (++budget.bytes > MAX_HEADER_BYTES || line.size() >= MAX_LINE_BYTES) {
                throw new HandshakeException("the answer's header is too long", -1, Map.of());
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
    }

    private static void header(StringBuilder r, String name, String value) throws IOException {
        if (!printableHeader(name) || !printableHeader(value)) {
            throw new IOException("the " + name + " header holds a line break or control character: not sent");
        }
        r.append(name).append(": ").append(value).append("\r\n");
    }

    private static boolean printableHeader(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        return port < 0 || port == (secure ? 443 : 80) ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static List<String> tokens(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String t : value.split(",")) {
                out.add(t.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static final class Budget {
        int bytes;
        int headers;
    }
}
