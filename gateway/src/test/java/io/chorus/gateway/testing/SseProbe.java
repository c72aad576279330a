package io.chorus.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An SSE client that parses the stream into events (id, event, data) and records them in a queue. It
 * speaks HTTP/1.1 as EventSource does; {@link #h2c} tries the cleartext HTTP/2 upgrade first.
 */
public final class SseProbe implements AutoCloseable {

    /** One event; {@code data} parsed as JSON; comments arrive as events of type "comment". */
    public record Event(String id, String type, JsonNode data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final HttpClient H2C = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;
    public volatile int status;
    public volatile HttpClient.Version version;

    public SseProbe(URI uri, String lastEventId) {
        this(HTTP, uri, lastEventId);
    }

    /** Over HTTP/2 when the server takes the {@code h2c} upgrade (Vert.x does by default). */
    public static SseProbe h2c(URI uri, String lastEventId) {
        return new SseProbe(H2C, uri, lastEventId);
    }

    private SseProbe(HttpClient client, URI uri, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        response = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> {
            status = r.statusCode();
            version = r.version();
            lines = r.body();
            Thread t = new Thread(() -> read(r.body()), "sse-probe");
            t.setDaemon(true);
            t.start();
        });
    }

    private void read(Stream<String> body) {
        String id = null;
        String type = "message";
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) body::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(id, type, WsProbe.JSON.readTree(data.toString())));
                    }
                    id = null;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    events.add(new Event(null, "comment", null));
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (Exception e) {
            // stream closed
        }
        events.add(new Event(null, "END", null));
    }

    /** The next event that is not a heartbeat (or the stream's connected event); it must have this type. */
    public Event expect(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            boolean heartbeat = "ping".equals(e == null ? null : e.type()) || "comment".equals(e == null ? null : e.type());
            boolean skipConnected = e != null && "connected".equals(e.type()) && !"connected".equals(type);
            if (e != null && !heartbeat && !skipConnected) {
                assertEquals(type, e.type(), () -> "unexpected event " + e);
                return e;
            }
        }
        fail("no '" + type + "' event within 20 s");
        return null;
    }

    public boolean sawPing(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e != null && "ping".equals(e.type())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        response.cancel(true);
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
    }
}
