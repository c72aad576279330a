package io.chorus.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.schema.ChorusException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The channels this client entered, with the data it last set, and the requests that change them
 * (PROTOCOL.md, "Members"). The server forgets a connection's presence with the socket, so after
 * every {@code connected} each entered channel is entered again with its last data; within the
 * gateway's grace period other clients see no leave and no enter. A request sent on a socket that
 * went away before its reply stays pending and completes with that re-enter's reply; a {@code leave}
 * in that state completes at once (the new socket never entered: the member goes when the grace
 * period ends). Retryable refusals are retried with backoff up to the retry limit. Core thread only.
 */
public final class Presence {

    /** One entered channel. {@code confirmed}: the server stored an enter or update on this socket or an earlier one. */
    private static final class Entry {
        final String channel;
        JsonNode data;
        JsonNode confirmedData;
        boolean confirmed;
        /** Numbers the changes sent; replies of changes that wait on Kafka may come back out of order. */
        long sent;
        long confirmedSeq;
        /** Requests whose socket went away: completed by the next re-enter's reply. */
        final List<CompletableFuture<Void>> waiting = new ArrayList<>();

        Entry(String channel) {
            this.channel = channel;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Leaves asked for while not connected, for channels this client had not entered: the server decides. */
    private final Map<String, List<CompletableFuture<Void>>> leavesToSend = new LinkedHashMap<>();
    private final CoreContext context;
    private final Consumer<Throwable> report;

    public Presence(CoreContext context, Consumer<Throwable> report) {
        this.context = context;
        this.report = report;
    }

    /** {@code type} is {@code enter} or {@code update}: either one enters (PROTOCOL.md), with {@code data}. */
    public void set(String type, String channel, JsonNode data, CompletableFuture<Void> result) {
        Entry e = entries.computeIfAbsent(channel, Entry::new);
        e.data = data;
        if (context.link().isUp()) {
            send(type, e, List.of(result), 0);
        } else {
            e.waiting.add(result);
        }
    }

    public void leave(String channel, CompletableFuture<Void> result) {
        Entry e = entries.remove(channel);
        if (e != null) {
            cancel(e.waiting, "left " + channel + " before the server confirmed the enter");
        }
        if (context.link().isUp()) {
            sendLeave(channel, result);
        } else if (e != null) {
            context.delivery().complete(result, null); // nothing to tell: the socket that entered is gone
        } else {
            leavesToSend.computeIfAbsent(channel, c -> new ArrayList<>()).add(result);
        }
    }

    public void onConnected() {
        for (Entry e : entries.values()) {
            List<CompletableFuture<Void>> waiting = new ArrayList<>(e.waiting);
            e.waiting.clear();
            send("enter", e, waiting, 0);
        }
        Map<String, List<CompletableFuture<Void>>> leaves = new LinkedHashMap<>(leavesToSend);
        leavesToSend.clear();
        leaves.forEach((channel, results) -> results.forEach(r -> sendLeave(channel, r)));
    }

    /** The client is closing or failed. */
    public void endAll(Throwable why) {
        for (Entry e : entries.values()) {
            e.waiting.forEach(f -> context.delivery().fail(f, why));
        }
        entries.clear();
        leavesToSend.values().forEach(list -> list.forEach(f -> context.delivery().fail(f, why)));
        leavesToSend.clear();
    }

    private void send(String type, Entry e, List<CompletableFuture<Void>> results, int retries) {
        JsonNode data = e.data;
        long seq = ++e.sent;
        context.link().send(new Change(type, e, data, seq, results, retries),
                ref -> context.codec().presenceChange(type, ref, e.channel, data));
    }

    private void sendLeave(String channel, CompletableFuture<Void> result) {
        context.link().send(new Leaving(channel, result, 0), ref -> context.codec().channelRequest("leave", ref, channel));
    }

    private void cancel(List<CompletableFuture<Void>> futures, String why) {
        futures.forEach(f -> context.delivery().fail(f, new CancellationException(why)));
        futures.clear();
    }

    /** The reply to one enter or update (a re-enter carries the futures that waited for it). */
    private final class Change implements Requests.Pending {
        private final String type;
        private final Entry entry;
        private final JsonNode data;
        private final long seq;
        private final List<CompletableFuture<Void>> results;
        private final int retries;

        Change(String type, Entry entry, JsonNode data, long seq, List<CompletableFuture<Void>> results, int retries) {
            this.type = type;
            this.entry = entry;
            this.data = data;
            this.seq = seq;
            this.results = results;
            this.retries = retries;
        }

        private boolean current() {
            return entries.get(entry.channel) == entry;
        }

        @Override
        public void onReply(Frame.Reply reply) {
            if (current() && seq > entry.confirmedSeq) {
                entry.confirmed = true;
                entry.confirmedData = data;
                entry.confirmedSeq = seq;
            }
            results.forEach(f -> context.delivery().complete(f, null));
        }

        @Override
        public void onError(Frame.Error error) {
            if (!current()) {
                results.forEach(f -> context.delivery().fail(f, error.toException()));
                return;
            }
            if (error.retryable() && retries < context.retryLimit()) {
                context.timers().after(context.retryDelay(retries, error.retryAfterMs()), () -> {
                    if (current() && context.link().isUp()) {
                        send(type, entry, results, retries + 1);
                    } else if (current()) {
                        entry.waiting.addAll(results); // the reconnect's re-enter completes them
                    } else {
                        cancel(new ArrayList<>(results), "left " + entry.channel + " before the retry");
                    }
                });
                return;
            }
            ChorusException e = error.toException();
            if (entry.confirmed) {
                entry.data = entry.confirmedData; // still entered, with what the server last accepted
            } else {
                entries.remove(entry.channel); // never entered: nothing to re-enter after a reconnect
            }
            if (results.isEmpty()) {
                report.accept(e); // an automatic re-enter: nobody else would hear of it
            }
            results.forEach(f -> context.delivery().fail(f, e));
        }

        @Override
        public void onDropped() {
            if (current()) {
                entry.waiting.addAll(results);
            } else {
                cancel(new ArrayList<>(results), "left " + entry.channel + " before the server answered");
            }
        }
    }

    /** The reply to one leave. */
    private final class Leaving implements Requests.Pending {
        private final String channel;
        private final CompletableFuture<Void> result;
        private final int retries;

        Leaving(String channel, CompletableFuture<Void> result, int retries) {
            this.channel = channel;
            this.result = result;
            this.retries = retries;
        }

        @Override
        public void onReply(Frame.Reply reply) {
            context.delivery().complete(result, null);
        }

        @Override
        public void onError(Frame.Error error) {
            if (error.retryable() && retries < context.retryLimit()) {
                context.timers().after(context.retryDelay(retries, error.retryAfterMs()), () -> {
                    if (context.link().isUp()) {
                        context.link().send(new Leaving(channel, result, retries + 1),
                                ref -> context.codec().channelRequest("leave", ref, channel));
                    } else {
                        context.delivery().complete(result, null);
                    }
                });
            } else {
                context.delivery().fail(result, error.toException());
            }
        }

        @Override
        public void onDropped() {
            context.delivery().complete(result, null); // the server forgets the connection's presence with it
        }
    }
}
