package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.client.ChorusClient;
import io.chorus.client.Message;
import io.chorus.client.SubscribeOptions;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.SseProbe;
import io.chorus.gateway.testing.SwitchingProxy;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.CloseReason;
import io.chorus.schema.Position;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A draining pod tells every client to reconnect; they resume on another pod with nothing lost or doubled. */
class DrainIT {

    @Test
    void drainTellsEveryTransportToLeaveAndClientsResumeOnTheOtherPod() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":keynote";
        TestGateway podA = TestGateway.start();
        List<Message> received = new CopyOnWriteArrayList<>();
        try (TestGateway podB = TestGateway.start(); Backend backend = new Backend(ns, ch);
             SwitchingProxy lb = new SwitchingProxy(podA.gateway().port());
             ChorusClient client = ChorusClient.builder(URI.create("ws://127.0.0.1:" + lb.port() + "/v1/ws"))
                     .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build();
             WsProbe raw = WsProbe.connect(podA.wsUri());
             SseProbe sse = new SseProbe(podA.http("/v1/sse?channel=" + ch), null)) {
            var sub = client.subscribe(ch, SubscribeOptions.live(), received::add);
            client.connect().get(20, TimeUnit.SECONDS);
            sub.ready().get(20, TimeUnit.SECONDS);
            sse.expect("subscribed");
            backend.sendRange(0, 5);
            Conditions.await("first five", Duration.ofSeconds(20), () -> received.size() == 5);
            String ssePosition = null;
            for (int i = 0; i < 5; i++) {
                ssePosition = sse.expect("message").id();
            }
            // HTTP/1.1, as browsers long-poll: Java's default tries an h2c upgrade, and a connection
            // closed by the drain right after the 101 then fails in the client before it reads the answer.
            CompletableFuture<HttpResponse<String>> poll = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).build().sendAsync(
                    HttpRequest.newBuilder(podA.http("/v1/poll?channel=" + ch + "&positions=" + java.net.URLEncoder
                            .encode(ssePosition, java.nio.charset.StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            Conditions.await("poll waiting", Duration.ofSeconds(10), () -> podA.gateway().metrics()
                    .registry().get("chorus_connections").tag("transport", "poll").gauge().value() == 1);

            lb.switchTo(podB.gateway().port());
            CompletableFuture<Void> drained = CompletableFuture.runAsync(
                    () -> podA.gateway().drainAndClose(Duration.ofSeconds(10)));
            assertEquals(CloseReason.SERVER_SHUTDOWN.code(), raw.awaitClose(Duration.ofSeconds(10)));
            SseProbe.Event leave = sse.expect("error");
            assertEquals("draining", leave.data().get("error").asText());
            assertEquals(ssePosition, leave.id(), "the last id still resumes the set");
            assertEquals(200, poll.get(10, TimeUnit.SECONDS).statusCode(), "the waiting poll was answered");
            drained.get(20, TimeUnit.SECONDS);

            backend.sendRange(5, 10);
            Conditions.await("all ten on pod B", Duration.ofSeconds(30), () -> received.size() == 10);
            long last = -1;
            for (int i = 0; i < 10; i++) {
                Message m = received.get(i);
                assertEquals(i, m.data().get("n").asInt());
                long offset = Position.decode(m.position()).offset();
                assertTrue(offset > last);
                last = offset;
            }
            try (SseProbe again = new SseProbe(podB.http("/v1/sse?channel=" + ch), ssePosition)) {
                JsonNode sub2 = again.expect("subscribed").data();
                assertTrue(sub2.get("resumed").asBoolean());
                for (int i = 5; i < 10; i++) {
                    assertEquals(i, again.expect("message").data().get("data").get("n").asInt());
                }
            }
        } finally {
            podA.close();
        }
    }
}
