package io.chorus.gateway.testing.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.WsProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The contract over SSE (HTTP/1.1, as EventSource speaks it): each event's data is the frame; the
 * stream's end is END, with the {@code error} of its last error event. A refused request (an HTTP
 * error before the stream) is END with that error.
 */
final class SseClientProbe extends ClientProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;
    /** The id of the last event: the token that resumes the whole set. */
    volatile String lastEventId;

    SseClientProbe(URI base, Open open) {
        URI uri = base.resolve("/v1/sse?" + StreamQuery.of(open, StreamQuery.positions(open)));
        response = HTTP.sendAsync(HttpRequest.newBuilder(uri).header("accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        response.whenComplete((r, err) -> {
            if (err != null) {
                ended("probe:" + err);
                return;
            }
            lines = r.body();
            Thread t = new Thread(() -> read(r), "sse-contract-probe");
            t.setDaemon(true);
            t.start();
        });
    }

    private void read(HttpResponse<Stream<String>> r) {
        if (r.statusCode() != 200) {
            String body = String.join("", (Iterable<String>) r.body()::iterator);
            ended(errorName(body));
            return;
        }
        String lastError = "end";
        String id = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) r.body()::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        JsonNode frame = WsProbe.JSON.readTree(data.toString());
                        if (id != null) {
                            lastEventId = id;
                        }
                        if ("error".equals(frame.path("type").asText()) && !frame.has("channel")) {
                            lastError = frame.path("error").asText();
                        }
                        received(frame);
                    }
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (Exception e) {
            // the stream was cut: its end is below
        }
        ended(lastError);
    }

    static String errorName(String body) {
        try {
            return WsProbe.JSON.readTree(body).path("error").asText("http");
        } catch (Exception e) {
            return "http";
        }
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
