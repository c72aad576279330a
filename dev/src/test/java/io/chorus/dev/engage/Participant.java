package io.chorus.dev.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.client.ChorusClient;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.engage.JoinedEvent;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A member of the audience as the SDKs are: a participant token from the join API, commands published
 * on {@code engage-in:CODE} with an id, replies read from {@code engage-me:CODE:PID}.
 */
final class Participant implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final JoinedEvent joined;
    private final ChorusClient client;
    private final Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

    Participant(URI ws, JoinedEvent joined) throws Exception {
        this.joined = joined;
        this.client = ChorusClient.builder(ws).token(joined.token()).build();
        var me = client.subscribe("engage-me:" + joined.code() + ":" + joined.participant(), SubscribeOptions.live(), m -> {
            if ("reply".equals(m.data().path("type").asText())) {
                replies.computeIfAbsent(m.data().path("id").asText(), k -> new CompletableFuture<>()).complete(m.data());
            }
        });
        client.connect().get(20, TimeUnit.SECONDS);
        me.ready().get(20, TimeUnit.SECONDS); // replies are heard before the first command leaves
    }

    /** Publishes {@code command} with {@code id} and returns ingest's reply to it. */
    JsonNode send(String id, String command) throws Exception {
        client.publish("engage-in:" + joined.code(), null, JSON.readTree(command), id).get(20, TimeUnit.SECONDS);
        return replies.computeIfAbsent(id, k -> new CompletableFuture<>()).get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close();
    }
}
