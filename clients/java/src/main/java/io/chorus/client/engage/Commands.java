package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.client.PublishResult;
import io.chorus.schema.ChorusException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * Staff commands and their replies. A command is a publish whose id is the command id; its outcome
 * comes later as a {@code reply} with that id on the sender's {@code engage-me} channel, possibly
 * before the gateway's ack (another topic), so a command waits here from before it is published.
 *
 * <p>A retry reuses the id and ingest applies an id once per event and sender. The gateway may answer
 * a retried publish {@code duplicate} without writing it, and then no second reply comes: recent
 * replies are kept (bounded) and settle a retry at once, and a duplicate ack with no known reply
 * (a retry from a new process) reads the reply channel's recent history for it. Every map here is
 * bounded: {@code maxPending} waiting commands, {@code maxRecentReplies} remembered replies.
 */
final class Commands {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");

    /** Limits and timings, from {@link Engage.Builder}. */
    record Limits(Duration timeout, int maxPending, int maxRecentReplies, int maxCommandBytes, int replyLookback) {
    }

    private record Outcome(boolean ok, String code, String message, long retryAfterMs) {
    }

    private record Pending(CompletableFuture<Reply> future, Runnable cancelTimer) {
    }

    private final EngageTransport transport;
    private final String replyChannel;
    private final Timeouts timeouts;
    private final Limits limits;
    // Guarded by this; futures are completed outside the lock (their callbacks are the caller's code).
    private final Map<String, Pending> pending = new HashMap<>();
    private final LinkedHashMap<String, Outcome> recent = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    Commands(EngageTransport transport, String replyChannel, Timeouts timeouts, Limits limits) {
        this.transport = transport;
        this.replyChannel = replyChannel;
        this.timeouts = timeouts;
        this.limits = limits;
    }

    /** Sends {@code body} on {@code channel} with command id {@code id} (null: a new one). */
    CompletableFuture<Reply> send(String channel, ObjectNode body, String id) {
        String commandId = id != null ? id : UUID.randomUUID().toString();
        if (!ID.matcher(commandId).matches()) {
            return failed(EngageErrorCode.INVALID_COMMAND, "a command id is 1..128 of [A-Za-z0-9_-:.@/=+], was "
                    + Checks.quote(commandId), commandId, null);
        }
        int bytes = body.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxCommandBytes()) {
            return failed(EngageErrorCode.TOO_LARGE, "the command is " + bytes + " bytes; the limit is "
                    + limits.maxCommandBytes(), commandId, null);
        }
        CompletableFuture<Reply> future;
        synchronized (this) {
            if (closed) {
                return failed(EngageErrorCode.CLOSED, "the host is closed", commandId, null);
            }
            Outcome known = recent.get(commandId);
            if (known != null) {
                return settled(known, commandId);
            }
            Pending waiting = pending.get(commandId);
            if (waiting != null) {
                // A retry while the first attempt waits: no second publish, the same outcome.
                return waiting.future().copy();
            }
            if (pending.size() >= limits.maxPending()) {
                return failed(EngageErrorCode.BUSY, limits.maxPending() + " commands already wait for their reply",
                        commandId, null);
            }
            future = new CompletableFuture<>();
            Runnable cancel = timeouts.schedule(limits.timeout(), () -> fail(commandId,
                    new EngageException(EngageErrorCode.TIMEOUT, "no reply within " + limits.timeout().toMillis()
                            + " ms; sending the command again with the same id is safe", commandId, 0, null, null)));
            pending.put(commandId, new Pending(future, cancel));
        }
        transport.publish(channel, body, commandId).whenComplete((ack, error) -> {
            if (error != null) {
                fail(commandId, notDelivered(unwrap(error), commandId));
            } else if (ack.duplicate()) {
                lookUpReply(commandId);
            }
        });
        return future.copy();
    }

    /** Feeds one message of the reply channel; anything but a well-formed reply is ignored. */
    void onMessage(JsonNode data) {
        if (data == null || !"reply".equals(data.path("type").asText(null)) || !data.path("id").isTextual()) {
            return;
        }
        String id = data.get("id").asText();
        JsonNode error = data.path("error");
        Outcome outcome = data.path("ok").asBoolean(false) ? new Outcome(true, null, null, 0)
                : new Outcome(false, error.path("code").asText(null), error.path("message").asText(null),
                        Math.max(0, error.path("retryAfterMs").asLong(0)));
        Pending p;
        synchronized (this) {
            recent.put(id, outcome);
            if (recent.size() > limits.maxRecentReplies()) {
                recent.remove(recent.keySet().iterator().next());
            }
            p = pending.remove(id);
        }
        if (p != null) {
            p.cancelTimer().run();
            complete(p.future(), outcome, id);
        }
    }

    /** Commands waiting for their reply now. */
    synchronized int pending() {
        return pending.size();
    }

    /** Every waiting command fails with {@code closed}, and later sends too. */
    void close() {
        List<String> ids;
        synchronized (this) {
            closed = true;
            ids = new ArrayList<>(pending.keySet());
        }
        for (String id : ids) {
            fail(id, new EngageException(EngageErrorCode.CLOSED, "the host was closed before the reply came",
                    id, 0, null, null));
        }
    }

    /** The gateway kept an earlier record with this id: its reply may be in the channel already. */
    private void lookUpReply(String commandId) {
        transport.latest(replyChannel, limits.replyLookback()).whenComplete((messages, error) -> {
            if (messages == null) {
                return; // the reply may still come live, else the timeout tells the caller
            }
            for (JsonNode m : messages) {
                if ("reply".equals(m.path("type").asText(null)) && commandId.equals(m.path("id").asText(null))) {
                    onMessage(m);
                    return;
                }
            }
        });
    }

    private void fail(String id, EngageException error) {
        Pending p;
        synchronized (this) {
            p = pending.remove(id);
        }
        if (p != null) {
            p.cancelTimer().run();
            p.future().completeExceptionally(error);
        }
    }

    private static CompletableFuture<Reply> settled(Outcome outcome, String id) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        complete(f, outcome, id);
        return f;
    }

    private static void complete(CompletableFuture<Reply> f, Outcome outcome, String id) {
        if (outcome.ok()) {
            f.complete(new Reply(id));
            return;
        }
        EngageErrorCode code = EngageErrorCode.of(outcome.code());
        String message = outcome.message() != null ? outcome.message() : "refused: " + outcome.code();
        f.completeExceptionally(new EngageException(code != null ? code : EngageErrorCode.UNEXPECTED, message, id,
                outcome.retryAfterMs(), outcome.code(), null));
    }

    /** The gateway refused the publish, or the client could not deliver it. */
    private static EngageException notDelivered(Throwable error, String id) {
        if (error instanceof ChorusException c) {
            EngageErrorCode code = switch (c.code()) {
                case FORBIDDEN, PUBLISH_NOT_ALLOWED -> EngageErrorCode.FORBIDDEN;
                case RATE_LIMITED -> EngageErrorCode.RATE_LIMITED;
                case MESSAGE_TOO_LARGE -> EngageErrorCode.TOO_LARGE;
                default -> EngageErrorCode.NOT_DELIVERED;
            };
            return new EngageException(code, c.getMessage(), id, c.retryAfterMs(), c.code().wireName(), c);
        }
        if (error instanceof IllegalStateException) {
            return new EngageException(EngageErrorCode.CLOSED, "the connection is closed: " + error.getMessage(),
                    id, 0, null, error);
        }
        return new EngageException(EngageErrorCode.NOT_DELIVERED, String.valueOf(error), id, 0, null, error);
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static CompletableFuture<Reply> failed(EngageErrorCode code, String message, String id, Throwable cause) {
        return CompletableFuture.failedFuture(new EngageException(code, message, id, 0, null, cause));
    }
}
