package io.chorus.gateway.testing.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.WsProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The contract over long-polling: a loop of polls, each sending the token of the answer before. The
 * frames of an answer are recorded in the order {@code subscribed}, {@code messages}, {@code events};
 * a channel that resumed silently gets a {@code subscribed} with {@code resumed:true} on the first
 * answer, as the SDKs make. Like the SDKs, each poll says which stream state the client last saw
 * ({@code stream=live|stalled}, from the {@code stream} notices so far), so a transition that fell
 * between two polls is told by the next one. An error answer is END with its error, and the loop stops.
 */
final class PollClientProbe extends ClientProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Thread loop;
    private volatile boolean closed;

    PollClientProbe(URI base, Open open) {
        loop = new Thread(() -> run(base, open), "poll-contract-probe");
        loop.setDaemon(true);
        loop.start();
    }

    private void run(URI base, Open open) {
        String positions = StreamQuery.positions(open);
        Set<String> announced = new HashSet<>();
        String stream = "live";
        try {
            while (!closed) {
                URI uri = base.resolve("/v1/poll?" + StreamQuery.of(open, positions) + "&stream=" + stream);
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (closed) {
                    return;
                }
                if (r.statusCode() != 200) {
                    ended(SseClientProbe.errorName(r.body()));
                    return;
                }
                JsonNode answer = WsProbe.JSON.readTree(r.body());
                beat();
                for (JsonNode s : answer.path("subscribed")) {
                    announced.add(s.path("channel").asText());
                    received(s);
                }
                for (String c : open.channels()) {
                    if (announced.add(c)) {
                        received(WsProbe.JSON.createObjectNode().put("type", "subscribed").put("channel", c)
                                .put("position", open.since().get(c)).put("resumed", true));
                    }
                }
                answer.path("messages").forEach(this::received);
                for (JsonNode e : answer.path("events")) {
                    if ("stream".equals(e.path("type").asText())) {
                        stream = e.path("state").asText();
                    }
                    received(e);
                }
                positions = answer.path("positions").asText();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!closed) {
                ended("probe:" + e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
    }
}
