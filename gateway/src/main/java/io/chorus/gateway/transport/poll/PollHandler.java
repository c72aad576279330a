package io.chorus.gateway.transport.poll;

import io.chorus.gateway.Services;
import io.chorus.gateway.session.StreamRequest;
import io.chorus.gateway.session.StreamSession;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.transport.StreamRequests;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/poll}: starts the request's subscriptions, collects what arrives in a
 * {@link PollOutput}, and answers once (messages, a new start, an error, or the poll timeout); then
 * stops every subscription. Nothing stays on the pod between polls.
 */
public final class PollHandler implements Handler<RoutingContext> {

    private final Services services;
    private final Shard shard;
    private final Vertx vertx;

    public PollHandler(Services services, Shard shard, Vertx vertx) {
        this.services = services;
        this.shard = shard;
        this.vertx = vertx;
    }

    @Override
    public void handle(RoutingContext ctx) {
        StreamRequests.Admitted admitted = StreamRequests.admitOrAnswer(ctx, services, "poll");
        if (admitted == null) {
            return;
        }
        StreamRequest request = admitted.request();
        PollOutput output = new PollOutput(ctx, request.channels().size(), services, shard.context());
        StreamSession session = new StreamSession(request, output, shard, services);
        long timer = vertx.setTimer(services.config().fallback().pollTimeout().toMillis(), t -> output.answer());
        // A long-poll answers soon anyway; a notice would only delay it.
        services.connections().add(output, shard.context(), output::answer, notice -> { });
        output.onAnswered(() -> {
            services.connections().remove(output);
            vertx.cancelTimer(timer);
            session.close();
            services.admission().release("poll");
        });
        output.tokenSource(session::token);
        ctx.request().connection().closeHandler(v -> output.abandon());
        session.start();
    }
}
