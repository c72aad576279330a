package io.chorus.gateway.session;

import io.chorus.gateway.Services;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.subscription.MessageSink;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.subscription.StartSpec;
import io.chorus.gateway.subscription.Subscription;
import io.chorus.schema.ChorusException;
import io.chorus.schema.Position;
import io.chorus.schema.PositionsToken;
import java.util.ArrayList;
import java.util.List;

/**
 * The channel set of one SSE stream or one long-poll, on its event loop: it starts a subscription per
 * channel from the request's positions and keeps the positions token current, so that every event it
 * hands to its {@link StreamOutput} carries the token that resumes the whole set after that event.
 */
public final class StreamSession {

    private final StreamRequest request;
    private final StreamOutput output;
    private final Shard shard;
    private final Services services;
    private final String[] positions;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private boolean closed;

    public StreamSession(StreamRequest request, StreamOutput output, Shard shard, Services services) {
        this.request = request;
        this.output = output;
        this.shard = shard;
        this.services = services;
        this.positions = new String[request.channels().size()];
        for (int i = 0; i < positions.length; i++) {
            Position p = request.starts().get(i);
            positions[i] = p == null ? null : p.encode();
        }
    }

    public void start() {
        services.metrics().subscriptionsChanged(positions.length);
        for (int i = 0; i < positions.length; i++) {
            int index = i;
            Subscription sub = services.subscriptions().create(request.channels().get(i), new Sink(index));
            subscriptions.add(sub);
            Position start = request.starts().get(i);
            StartSpec spec = start == null ? new StartSpec.Live() : new StartSpec.Since(start);
            services.subscriptions().start(shard, sub, spec, err -> failed(index, err))
                    .onSuccess(answer -> {
                        if (!closed) {
                            positions[index] = answer.position();
                            output.subscribed(index, answer, Frames.subscribed(null, sub.channel().value(), answer),
                                    token());
                        }
                    })
                    .onFailure(err -> failed(index, err));
        }
    }

    private void failed(int index, Throwable err) {
        if (closed) {
            return;
        }
        ChorusException e = Failures.toChorus(err);
        services.metrics().error(e.code().wireName());
        output.error(index, e, Frames.error(null, request.channels().get(index).value(), e), token());
    }

    public String token() {
        return PositionsToken.format(positions);
    }

    /** Stops every subscription; nothing reaches the output afterwards. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Subscription s : subscriptions) {
            services.subscriptions().stop(shard, s);
        }
        services.metrics().subscriptionsChanged(-positions.length);
    }

    private final class Sink implements MessageSink {
        private final int index;

        Sink(int index) {
            this.index = index;
        }

        @Override
        public void send(FeedMessage message) {
            if (!closed) {
                positions[index] = message.position();
                output.message(message, token());
            }
        }

        @Override
        public boolean writable() {
            return output.writable();
        }

        @Override
        public void onWritable(Runnable action) {
            output.onWritable(action);
        }

        @Override
        public void overflow() {
            output.overflow();
        }

        @Override
        public void fellBehind() {
            output.fellBehind();
        }
    }
}
