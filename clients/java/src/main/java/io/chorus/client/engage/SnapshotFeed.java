package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One snapshot channel ({@code engage:CODE} or {@code engage:CODE:a:ID}), subscribed with rewind 1
 * so the latest comes at once, then live. Keeps the snapshot with the highest {@code seq}: an older
 * one (ingest writes snapshots in order, but a resubscribe may replay) is ignored, so a screen never
 * goes back in time. Listeners run on the client's delivery thread.
 *
 * @param <T> {@link EventSnapshot} or {@link ActivitySnapshot}
 */
public final class SnapshotFeed<T> implements AutoCloseable {

    private final String channel;
    private final Function<JsonNode, T> reader;
    private final ToLongFunction<T> seq;
    private final Consumer<Throwable> errors;
    private final Runnable onClose;
    private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<T> first = new CompletableFuture<>();
    private volatile T latest;
    private EngageTransport.Watch watch;

    SnapshotFeed(String channel, Function<JsonNode, T> reader, ToLongFunction<T> seq, Consumer<Throwable> errors,
                 Runnable onClose) {
        this.channel = channel;
        this.reader = reader;
        this.seq = seq;
        this.errors = errors;
        this.onClose = onClose;
    }

    void start(EngageTransport transport) {
        watch = transport.subscribe(channel, 1, this::offer, e -> {
            first.completeExceptionally(e);
            errors.accept(e);
        });
        watch.ready().whenComplete((v, e) -> {
            if (e != null) {
                first.completeExceptionally(Commands.unwrap(e));
            }
        });
    }

    public String channel() {
        return channel;
    }

    /** The newest snapshot so far, if any arrived. */
    public Optional<T> latest() {
        return Optional.ofNullable(latest);
    }

    /**
     * Completes with the first snapshot (the channel's latest, thanks to rewind 1); fails when the
     * subscription is refused. Bound the wait: a channel ingest never wrote stays pending.
     */
    public CompletableFuture<T> first() {
        return first.copy();
    }

    /** Hears every newer snapshot; it is called at once with the current one, if any. */
    public void onChange(Consumer<T> listener) {
        listeners.add(listener);
        T now = latest;
        if (now != null) {
            listener.accept(now);
        }
    }

    /** Feeds one message's data; package-private so tests drive it. */
    void offer(JsonNode data) {
        T snapshot;
        try {
            snapshot = reader.apply(data);
        } catch (EngageException e) {
            errors.accept(new EngageException(e.code(), channel + ": " + e.getMessage()));
            return;
        }
        T before = latest;
        if (before != null && seq.applyAsLong(snapshot) <= seq.applyAsLong(before)) {
            return;
        }
        latest = snapshot;
        first.complete(snapshot);
        for (Consumer<T> l : listeners) {
            try {
                l.accept(snapshot);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    /** Unsubscribes; {@link #latest()} keeps the last snapshot. */
    @Override
    public void close() {
        if (watch != null) {
            watch.cancel();
        }
        onClose.run();
        first.completeExceptionally(new EngageException(EngageErrorCode.CLOSED, channel + " was closed"));
    }
}
