package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.client.PublishResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The gateway as the engagement API sees it, driven by the test: publishes are recorded and wait for
 * the test to ack them, subscriptions get what the test delivers, history answers what the test put.
 * Everything runs on the test's thread.
 */
final class FakeTransport implements EngageTransport {

    record Published(String channel, ObjectNode data, String id, CompletableFuture<PublishResult> ack) {
        void ack(boolean duplicate) {
            ack.complete(new PublishResult(id, "pos-" + id, duplicate));
        }
    }

    final Queue<Published> published = new ArrayDeque<>();
    final Map<String, Consumer<JsonNode>> subscribers = new HashMap<>();
    final Map<String, Consumer<Throwable>> failures = new HashMap<>();
    final Map<String, Integer> rewinds = new HashMap<>();
    final List<String> cancelled = new ArrayList<>();
    final Map<String, List<JsonNode>> history = new HashMap<>();
    boolean closed;

    @Override
    public CompletableFuture<PublishResult> publish(String channel, ObjectNode data, String id) {
        Published p = new Published(channel, data, id, new CompletableFuture<>());
        published.add(p);
        return p.ack();
    }

    @Override
    public Watch subscribe(String channel, int rewind, Consumer<JsonNode> onData, Consumer<Throwable> onFailure) {
        subscribers.put(channel, onData);
        failures.put(channel, onFailure);
        rewinds.put(channel, rewind);
        return new Watch() {
            @Override
            public CompletableFuture<Void> ready() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void cancel() {
                cancelled.add(channel);
                subscribers.remove(channel);
            }
        };
    }

    @Override
    public CompletableFuture<List<JsonNode>> latest(String channel, int limit) {
        List<JsonNode> all = history.getOrDefault(channel, List.of());
        return CompletableFuture.completedFuture(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public void close() {
        closed = true;
    }

    void deliver(String channel, JsonNode data) {
        Consumer<JsonNode> s = subscribers.get(channel);
        if (s == null) {
            throw new AssertionError("no subscription to " + channel);
        }
        s.accept(data);
    }

    Published next() {
        Published p = published.poll();
        if (p == null) {
            throw new AssertionError("nothing was published");
        }
        return p;
    }

    void assertNothingPublished() {
        if (!published.isEmpty()) {
            throw new AssertionError("unexpected publishes: " + published);
        }
    }
}
