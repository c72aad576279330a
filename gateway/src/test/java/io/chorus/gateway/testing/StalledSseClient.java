package io.chorus.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An SSE client on a raw socket with a small receive buffer that reads only when the test asks, so
 * that it stops reading as a slow phone does. It reads the events' {@code data:} lines (each event is
 * one HTTP chunk, so a data line is never split by the chunk framing around it).
 */
public final class StalledSseClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;

    public StalledSseClient(int port, String pathAndQuery) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(16 * 1024);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1024);
    }

    /** The next event's data as JSON; null at the end of the stream. */
    public JsonNode next() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return WsProbe.JSON.readTree(line.substring(6));
            }
        }
        return null;
    }

    /**
     * Reads up to the first {@code subscribed} event; only {@code connected} and heartbeat pings may come
     * before it (a stream joins its event loop's heartbeat wheel at any slot, so a ping can come first).
     */
    public JsonNode awaitSubscribed() throws IOException {
        JsonNode e;
        while (!"subscribed".equals((e = next()).path("type").asText())) {
            String type = e.path("type").asText();
            if (!type.equals("connected") && !type.equals("ping")) {
                throw new AssertionError("before subscribed: " + e);
            }
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
