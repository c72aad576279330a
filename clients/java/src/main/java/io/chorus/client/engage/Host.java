package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The host of one event, connected to the gateway with the host token (obtain with
 * {@link Engage#host}). Every staff command of ENGAGE.md goes on {@code engage-ctl:CODE:ROLE} with a
 * command id and completes with ingest's {@code reply}: a {@link Reply} when applied, an
 * {@link EngageException} carrying ENGAGE.md's code when refused, {@code timeout} when no reply came.
 * Sending a command again with the same id ({@link #send(StaffCommand, String)}) is safe: it has
 * one effect and the same outcome. Snapshots: {@link #eventFeed()}, {@link #activityFeed(String)},
 * {@link #latest(String)}; responses: {@link #export}. Thread-safe; futures and listeners complete on
 * the client's delivery thread (timeouts on the timer thread).
 */
public final class Host implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Host.class.getName());

    private final String code;
    private final String hostId;
    private final String hostToken;
    private final EngageTransport transport;
    private final JoinApi api;
    private final Commands commands;
    private final int maxFeeds;
    private final CompletableFuture<Void> started;
    private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
    // Guarded by this: the feeds open now (closing one removes it), bounded by maxFeeds.
    private final Map<String, SnapshotFeed<?>> feeds = new HashMap<>();
    private boolean closed;

    Host(String code, String hostId, String hostToken, EngageTransport transport, JoinApi api, Commands.Limits limits,
         Timeouts timeouts, int maxFeeds) {
        this.code = code;
        this.hostId = hostId;
        this.hostToken = hostToken;
        this.transport = transport;
        this.api = api;
        this.maxFeeds = maxFeeds;
        String replies = "engage-me:" + code + ":" + hostId;
        this.commands = new Commands(transport, replies, timeouts, limits);
        // Replies are heard before the first command leaves, so none can be missed.
        this.started = transport.subscribe(replies, 0, commands::onMessage, this::report).ready();
    }

    CompletableFuture<Void> started() {
        return started;
    }

    public String code() {
        return code;
    }

    /** The host token's {@code sub}; replies come on {@code engage-me:CODE:<host id>}. */
    public String hostId() {
        return hostId;
    }

    /** Commands waiting for their reply now. */
    public int pendingCommands() {
        return commands.pending();
    }

    /** Hears what belongs to no future: unreadable snapshots, ended subscriptions, listener exceptions. */
    public void addErrorListener(Consumer<Throwable> listener) {
        errorListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Sends {@code command} with a new command id. */
    public CompletableFuture<Reply> send(StaffCommand command) {
        return send(command, null);
    }

    /**
     * Sends {@code command} with command id {@code id} ({@code [A-Za-z0-9_-:.@/=+]{1,128}}; null: a new
     * one). Give the id of an earlier command to retry it: ingest applies an id once per event and
     * sender, and the same outcome comes back.
     */
    public CompletableFuture<Reply> send(StaffCommand command, String id) {
        if (command == null) {
            return CompletableFuture.failedFuture(Checks.invalid("command is required"));
        }
        return commands.send("engage-ctl:" + code + ":" + command.role().code(), command.toJson(), id);
    }

    public CompletableFuture<Reply> configure(EventSettings settings) {
        return send(() -> StaffCommand.configure(settings));
    }

    public CompletableFuture<Reply> create(ActivityDefinition definition) {
        return send(() -> StaffCommand.create(definition));
    }

    public CompletableFuture<Reply> openActivity(String activity) {
        return send(() -> StaffCommand.open(activity));
    }

    public CompletableFuture<Reply> closeActivity(String activity) {
        return send(() -> StaffCommand.close(activity));
    }

    public CompletableFuture<Reply> revealActivity(String activity) {
        return send(() -> StaffCommand.reveal(activity));
    }

    public CompletableFuture<Reply> rerunActivity(String activity) {
        return send(() -> StaffCommand.rerun(activity));
    }

    /** {@code event.current}: null shows nothing. */
    public CompletableFuture<Reply> setCurrent(String activity) {
        return send(() -> StaffCommand.current(activity));
    }

    public CompletableFuture<Reply> quizNext(String activity) {
        return send(() -> StaffCommand.quizNext(activity));
    }

    public CompletableFuture<Reply> quizReveal(String activity) {
        return send(() -> StaffCommand.quizReveal(activity));
    }

    public CompletableFuture<Reply> moderateQuestion(String question, StaffCommand.Status status, Boolean pinned,
                                                     Boolean answered) {
        return send(() -> StaffCommand.moderateQuestion(question, status, pinned, answered));
    }

    public CompletableFuture<Reply> moderateEntry(String activity, String entry, StaffCommand.Status status) {
        return send(() -> StaffCommand.moderateEntry(activity, entry, status));
    }

    public CompletableFuture<Reply> deleteChat(String message) {
        return send(() -> StaffCommand.deleteChat(message));
    }

    public CompletableFuture<Reply> ban(String participant) {
        return send(() -> StaffCommand.ban(participant));
    }

    public CompletableFuture<Reply> unban(String participant) {
        return send(() -> StaffCommand.unban(participant));
    }

    public CompletableFuture<Reply> slowMode(long slowModeMs) {
        return send(() -> StaffCommand.slowMode(slowModeMs));
    }

    public CompletableFuture<Reply> showSlide(String deck, int slide, ObjectNode state) {
        return send(() -> StaffCommand.showSlide(deck, slide, state));
    }

    public CompletableFuture<Reply> openBreakout(int rooms, StaffCommand.Assign assign,
                                                 Map<String, Integer> assignments, String activity) {
        return send(() -> StaffCommand.openBreakout(rooms, assign, assignments, activity));
    }

    public CompletableFuture<Reply> closeBreakout() {
        return send(StaffCommand::closeBreakout);
    }

    /** {@code engage:CODE}, subscribed with rewind 1; the same feed until it is closed. */
    public SnapshotFeed<EventSnapshot> eventFeed() {
        return feed("engage:" + code, SnapshotReader::event, EventSnapshot::seq);
    }

    /**
     * {@code engage:CODE:a:ACTIVITY}, subscribed with rewind 1; the same feed until it is closed.
     * Throws {@code invalid_command} for a bad id, {@code limit_reached} past {@code maxFeeds} open feeds.
     */
    public SnapshotFeed<ActivitySnapshot> activityFeed(String activity) {
        return feed("engage:" + code + ":a:" + Checks.id(activity, "activity"), SnapshotReader::activity,
                ActivitySnapshot::seq);
    }

    /** The activity's latest snapshot now, from the gateway's history (one REST call); empty if none yet. */
    public CompletableFuture<Optional<ActivitySnapshot>> latest(String activity) {
        String channel;
        try {
            channel = "engage:" + code + ":a:" + Checks.id(activity, "activity");
        } catch (EngageException e) {
            return CompletableFuture.failedFuture(e);
        }
        return transport.latest(channel, 1).thenApply(list -> list.stream().findFirst().map(SnapshotReader::activity));
    }

    /** The event's latest snapshot now, from the gateway's history; empty if none yet. */
    public CompletableFuture<Optional<EventSnapshot>> latestEvent() {
        return transport.latest("engage:" + code, 1).thenApply(list -> list.stream().findFirst().map(SnapshotReader::event));
    }

    /**
     * Writes every accepted response ({@code activity} null: of every activity) to {@code out}, as the
     * join API streams it; {@code out} is not closed. Fails with the API's code ({@code forbidden},
     * {@code busy}, ...) or {@code network_error} when the download broke off (the bytes written so far
     * are then incomplete).
     */
    public CompletableFuture<ExportResult> export(ExportFormat format, String activity, OutputStream out) {
        if (format == null || out == null) {
            return CompletableFuture.failedFuture(new EngageException(EngageErrorCode.INVALID_REQUEST,
                    "export needs a format and a stream"));
        }
        try {
            return api.export(code, hostToken, format, activity, out);
        } catch (EngageException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Fails waiting commands with {@code closed}, closes the feeds and the connection. Idempotent. */
    @Override
    public void close() {
        List<SnapshotFeed<?>> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = List.copyOf(feeds.values());
            feeds.clear();
        }
        commands.close();
        open.forEach(SnapshotFeed::close);
        transport.close();
    }

    private CompletableFuture<Reply> send(java.util.function.Supplier<StaffCommand> build) {
        StaffCommand command;
        try {
            command = build.get();
        } catch (EngageException e) {
            return CompletableFuture.failedFuture(e);
        }
        return send(command, null);
    }

    @SuppressWarnings("unchecked")
    private <T> SnapshotFeed<T> feed(String channel, java.util.function.Function<JsonNode, T> reader,
                                     java.util.function.ToLongFunction<T> seq) {
        SnapshotFeed<T> feed;
        synchronized (this) {
            if (closed) {
                throw new EngageException(EngageErrorCode.CLOSED, "the host is closed");
            }
            SnapshotFeed<?> existing = feeds.get(channel);
            if (existing != null) {
                return (SnapshotFeed<T>) existing;
            }
            if (feeds.size() >= maxFeeds) {
                throw new EngageException(EngageErrorCode.LIMIT_REACHED, maxFeeds + " snapshot feeds are open; close one first");
            }
            feed = new SnapshotFeed<>(channel, reader, seq, this::report, () -> forget(channel));
            feeds.put(channel, feed);
        }
        feed.start(transport);
        return feed;
    }

    private synchronized void forget(String channel) {
        feeds.remove(channel);
    }

    private void report(Throwable error) {
        if (errorListeners.isEmpty()) {
            LOG.log(Level.WARNING, "event " + code + ": " + error);
            return;
        }
        for (Consumer<Throwable> l : errorListeners) {
            try {
                l.accept(error);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "an error listener threw", e);
            }
        }
    }
}
