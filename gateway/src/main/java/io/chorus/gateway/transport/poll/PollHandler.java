package io.chorus.gateway.transport.poll;

import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.transport.StreamRequests;
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

    public PollHandler(SessionDeps deps, Shard shard, Vertx vertx) {
        this.deps = deps;
        this.shard = shard;
        this.vertx = vertx;
    }

    @Override
    public void handle(RoutingContext ctx) {
        StreamRequests.admitThen(ctx, deps, "poll", admitted -> start(ctx, admitted));
    }

    private void start(RoutingContext ctx, StreamRequests.Admitted admitted) {
        PollTransport transport = new PollTransport(ctx.response(), admitted.request(),
                deps.config().fallback().pollMaxMessages(), shard.context());
        Session session = new Session(admitted.id(), transport, shard, deps, vertx, admitted.principal());
        transport.bind(session);
        long timer = vertx.setTimer(deps.config().fallback().pollTimeout().toMillis(), t -> transport.answer());
        ctx.response().endHandler(v -> vertx.cancelTimer(timer));
        ctx.request().connection().closeHandler(v -> {
            vertx.cancelTimer(timer);
            transport.abandon();
        });
        session.openStream(admitted.request());
    }
}
