package io.chorus.gateway.transport.poll;

import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.StreamNotices;
import io.chorus.gateway.session.StreamRequest;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.transport.StreamRequests;
import io.chorus.gateway.http.HttpErrors;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/poll}: a {@link Session} that lives for one request. It starts the request's
 * subscriptions, watches and enters, collects what arrives in a {@link PollTransport}, and answers once
 * (messages, changes, a new start, an error, or the poll timeout); then the session ends. Nothing stays
 * on the pod between polls: an entered member is kept through the gap by the presence grace period.
 */
public final class PollHandler implements Handler<RoutingContext> {

    private final SessionDeps deps;
    private final Shard shard;
    private final Vertx vertx;

    /** Polls answered at once because a watch's state had changed since the client's last answer. */
    private final Counter staleMembers;
    private final Counter staleCounts;

    public PollHandler(SessionDeps deps, Shard shard, Vertx vertx) {
        this.deps = deps;
        this.shard = shard;
        this.vertx = vertx;
        String name = "chorus_poll_changed_between_polls";
        String help = "long-polls answered at once because a watched state changed between two polls";
        staleMembers = Counter.builder(name).tag("watch", "presence").description(help)
                .register(deps.metrics().registry());
        staleCounts = Counter.builder(name).tag("watch", "occupancy").description(help)
                .register(deps.metrics().registry());
    }

    @Override
    public void handle(RoutingContext ctx) {
        long timeoutMs;
        String stream = ctx.request().getParam(StreamNotices.PARAM);
        boolean sawStalled;
        SeenParams seen;
        try {
            timeoutMs = timeout(ctx.request().getParam("timeout"), deps.config().fallback().pollTimeout().toMillis());
            sawStalled = StreamNotices.sawStalled(stream);
            seen = SeenParams.parse(ctx.request().params());
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
            return;
        }
        StreamRequests.admitThen(ctx, deps, "poll", admitted -> start(ctx, admitted, timeoutMs, stream != null,
                sawStalled, seen));
    }

    /**
     * {@code timeout}: how long this poll may wait for news, in ms, from 0 to {@code fallback.pollTimeout}
     * (the default). 0 answers as soon as its channels started and its enters were stored: what a
     * client that just changed its presence wants to know.
     */
    static long timeout(String raw, long max) {
        if (raw == null) {
            return max;
        }
        long t;
        try {
            t = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            t = -1;
        }
        if (t < 0 || t > max) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "timeout must be a number of milliseconds from 0 to " + max);
        }
        return t;
    }

    /**
     * {@code reportsStream}: the poll says which stream state its client last saw ({@code stream=}), so a
     * {@code stream} notice is news to it and answers the poll at once. A poll that says nothing gets
     * notices riding along instead: while Kafka is stalled each of its polls opens with {@code stalled},
     * and answering those at once would make it poll in a loop.
     */
    private void start(RoutingContext ctx, StreamRequests.Admitted admitted, long timeoutMs, boolean reportsStream,
                       boolean sawStalled, SeenParams seen) {
        StreamRequest request = admitted.request();
        WatchNews news = new WatchNews(request.presence(), request.occupancy(),
                SeenParams.byChannel(seen.presence(), request.channels()),
                SeenParams.byChannel(seen.occupancy(), request.channels()),
                staleMembers::increment, staleCounts::increment);
        PollTransport transport = new PollTransport(ctx.response(), request,
                deps.config().fallback().pollMaxMessages(), timeoutMs == 0, reportsStream, news, shard.context());
        Session session = new Session(admitted.id(), transport, shard, deps, vertx, admitted.principal());
        session.clientSawStalled(sawStalled);
        transport.bind(session);
        long timer = timeoutMs == 0 ? -1 : vertx.setTimer(timeoutMs, t -> transport.answer());
        ctx.response().endHandler(v -> vertx.cancelTimer(timer));
        ctx.request().connection().closeHandler(v -> {
            vertx.cancelTimer(timer);
            transport.abandon();
        });
        session.openStream(admitted.request());
    }
}
