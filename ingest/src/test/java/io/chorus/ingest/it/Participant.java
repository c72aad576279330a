package io.chorus.ingest.it;

import static io.chorus.ingest.it.ExactlyOnceUnderFaultsTest.ASKERS;
import static io.chorus.ingest.it.ExactlyOnceUnderFaultsTest.CODE;
import static io.chorus.ingest.it.ExactlyOnceUnderFaultsTest.OPTIONS;
import static io.chorus.ingest.it.ExactlyOnceUnderFaultsTest.TEAMS;
import static io.chorus.ingest.it.Wire.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One simulated participant: a socket on its home gateway, subscribed to its own {@code engage-me}
 * channel (replies and its {@code you} state), and a script of commands with the faults of issue 12.
 * It records what it meant ({@link #vote}, {@link #answer}, {@link #team}, {@link #upvoted}) so the test
 * can compute the exact results; it blocks on each ack, so commands are recorded in the order it sent them.
 */
final class Participant {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final int i;
    final String id;
    private final String token;
    private final ExactlyOnceUnderFaultsTest test;
    private final String in = "engage-in:" + CODE;
    private final String me;
    private final Set<String> sent = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> replies = new ConcurrentHashMap<>();
    private volatile Wire wire;
    private volatile int home;
    private volatile String position;
    private volatile long youSeq;
    volatile JsonNode lastYou;

    /** The vote that must count: the last one this participant sent (allowChange). */
    volatile String vote;
    volatile String answer;
    volatile String answerId;
    volatile String team;
    /** Question id to whether this participant's last upvote command for it was {@code on}. */
    final Map<String, Boolean> upvoted = new ConcurrentHashMap<>();

    Participant(ExactlyOnceUnderFaultsTest test, int i) {
        this.test = test;
        this.i = i;
        this.id = String.format("p-%05d", i);
        this.me = "engage-me:" + CODE + ":" + id;
        this.token = test.tokens().participant(CODE, id);
    }

    /** Connects to a gateway and subscribes to its own channel, resuming from the last position it saw. */
    CompletableFuture<Void> connect(int gateway) {
        home = gateway;
        return Wire.connect(test.client(), test.port(gateway), token, this::onMessage).thenCompose(w -> {
            wire = w;
            return w.subscribe(me, position, false);
        }).thenAccept(subscribed -> {
            if (subscribed.has("resumed") && !subscribed.path("resumed").asBoolean()) {
                test.problem(id + ": resume refused " + subscribed);
            }
            if (position == null) {
                position = subscribed.path("position").asText();
            }
        });
    }

    private void onMessage(JsonNode frame) {
        if (!me.equals(frame.path("channel").asText())) {
            return;
        }
        position = frame.path("position").asText();
        JsonNode data = frame.path("data");
        switch (data.path("type").asText()) {
            case "reply" -> {
                boolean ok = data.path("ok").asBoolean();
                replies.merge(data.path("id").asText(), ok, Boolean::logicalAnd);
                if (!ok) {
                    test.problem(id + ": refused " + data);
                }
            }
            case "you" -> {
                long seq = data.path("seq").asLong();
                if (seq <= youSeq) {
                    test.problem(id + ": you seq " + seq + " after " + youSeq);
                }
                youSeq = seq;
                lastYou = data;
            }
            default -> test.problem(id + ": unexpected " + frame);
        }
    }

    boolean allReplied() {
        return replies.keySet().containsAll(sent);
    }

    /** Join, vote (a third change their vote), pick a team, answer; the first askers ask a question. */
    void wave1() {
        send("j-" + i, cmd("{\"type\":\"participant.join\",\"name\":\"P" + i + "\"}"));
        String first = OPTIONS[i % OPTIONS.length];
        ObjectNode vote1 = vote(first);
        if (i % 10 == 3) {
            reconnectWhileSending("v1-" + i, vote1);
        } else {
            send("v1-" + i, vote1);
        }
        vote = first;
        String lastId = "v1-" + i;
        ObjectNode last = vote1;
        if (i % 3 == 0) {
            String second = OPTIONS[(i + 1) % OPTIONS.length];
            last = vote(second);
            lastId = "v2-" + i;
            send(lastId, last);
            vote = second;
        }
        if (i % 5 == 0) {
            duplicate("v1-" + i, vote1); // after a change: a stale duplicate that must not count again
        }
        if (i % 7 == 0) {
            retryOverHttp(lastId, last);
        }
        team = TEAMS[i % TEAMS.length];
        send("t-" + i, cmd("{\"type\":\"quiz.team\",\"activity\":\"quiz\",\"round\":1,\"team\":\"" + team + "\"}"));
        answer = OPTIONS[(i * 7) % OPTIONS.length];
        answerId = "a-" + i;
        ObjectNode a = cmd("{\"type\":\"quiz.answer\",\"activity\":\"quiz\",\"round\":1,\"question\":0,"
                + "\"choice\":\"" + answer + "\"}");
        send(answerId, a);
        if (i % 4 == 1) {
            duplicate(answerId, a);
        }
        if (i < ASKERS) {
            send("q-" + i, cmd("{\"type\":\"qa.ask\",\"text\":\"Question " + i + "?\"}"));
        }
    }

    /** Upvote two questions; every sixth takes the first back; duplicates and retries as in wave 1. */
    void wave2() {
        String q1 = "q-" + (i % ASKERS);
        String q2 = "q-" + ((i * 7 + 3) % ASKERS);
        ObjectNode up1 = upvote(q1, true);
        send("u1-" + i, up1);
        upvoted.put(q1, true);
        String lastId = "u1-" + i;
        ObjectNode last = up1;
        if (!q2.equals(q1)) {
            last = upvote(q2, true);
            lastId = "u2-" + i;
            send(lastId, last);
            upvoted.put(q2, true);
        }
        if (i % 6 == 0) {
            last = upvote(q1, false);
            lastId = "u3-" + i;
            send(lastId, last);
            upvoted.put(q1, false);
            if (i % 4 == 0) {
                duplicate("u1-" + i, up1); // the old "on" again: must not bring the upvote back
            }
        }
        if (i % 5 == 0) {
            duplicate(lastId, last);
        }
        if (i % 7 == 0) {
            retryOverHttp(lastId, last);
        }
    }

    private ObjectNode vote(String option) {
        return cmd("{\"type\":\"poll.vote\",\"activity\":\"poll\",\"round\":1,\"choices\":[\"" + option + "\"]}");
    }

    private ObjectNode upvote(String question, boolean on) {
        return cmd("{\"type\":\"qa.upvote\",\"question\":\"" + question + "\",\"on\":" + on + "}");
    }

    private static ObjectNode cmd(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Publishes and waits for the ack: once acked, the command is in Kafka, before anything sent later. */
    private void send(String commandId, ObjectNode data) {
        sent.add(commandId);
        await(wire.publish(in, commandId, data, false));
    }

    /**
     * Sends, drops the connection before the ack can come, reconnects to the other gateway (resuming its
     * own channel) and sends the same id again with {@code retry: true}, as the SDKs do.
     */
    private void reconnectWhileSending(String commandId, ObjectNode data) {
        sent.add(commandId);
        Wire old = wire;
        old.publish(in, commandId, data, false).exceptionally(e -> null);
        await(old.drop());
        await(connect(1 - home));
        await(wire.publish(in, commandId, data, true));
    }

    /**
     * The same command id again on a fresh socket to the other gateway, without {@code retry} (that pod
     * answers it as a duplicate from its id index, writing nothing), and a second record of it in Kafka,
     * as a race between two pods or a backend leaves: ingest must drop it.
     */
    private void duplicate(String commandId, ObjectNode data) {
        Wire other = await(Wire.connect(test.client(), test.port(1 - home), token, f -> { }));
        try {
            await(other.publish(in, commandId, data, false));
        } finally {
            await(other.drop());
        }
        test.copyInKafka(id, commandId, data);
    }

    /** The same command id over HTTP on the other gateway (which looks the id up in its dedup window). */
    private void retryOverHttp(String commandId, ObjectNode data) {
        ObjectNode body = JSON.createObjectNode().put("id", commandId);
        body.set("data", data);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + test.port(1 - home) + "/v1/channels/" + in + "/messages"))
                    .header("content-type", "application/json").header("authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                test.problem(id + ": HTTP retry answered " + r.statusCode() + " " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
