package io.chorus.gateway.transport.poll;

import io.chorus.gateway.Services;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.session.StreamOutput;
import io.chorus.gateway.subscription.Subscribed;
import io.chorus.schema.ChorusException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects one long-poll's answer. It answers on the turn after the first message arrives (so a
 * cache drain or a live batch lands in one answer), at once when a channel started live or lost
 * continuity (the client must learn its new position), at {@code pollMaxMessages}, on an error, or
 * at the poll timeout. Bounded: beyond the maximum, catch-up waits and live overflow answers.
 */
final class PollOutput implements StreamOutput {

    private final RoutingContext ctx;
    private final Services services;
    private final Context context;
    private final int maxMessages;
    private final List<Buffer> subscribed = new ArrayList<>();
    private final List<FeedMessage> messages = new ArrayList<>();
    private int pendingSubscribes;
    private boolean answerNow;
    private boolean answerScheduled;
    private boolean answered;
    private Runnable onAnswered;
    private Supplier<String> token;
    private Buffer error;
    private int errorStatus;

    PollOutput(RoutingContext ctx, int channels, Services services, Context context) {
        this.ctx = ctx;
        this.services = services;
        this.context = context;
        this.maxMessages = services.config().fallback().pollMaxMessages();
        this.pendingSubscribes = channels;
    }

    void onAnswered(Runnable action) {
        this.onAnswered = action;
    }

    void tokenSource(Supplier<String> source) {
        this.token = source;
    }

    @Override
    public void subscribed(int channel, Subscribed answer, Buffer frame, String ignored) {
        pendingSubscribes--;
        // Started live (no resumed field) or lost continuity: the client must learn its new position.
        if (answer.resumed() == null || !answer.resumed()) {
            subscribed.add(frame);
            answerNow = true;
        }
        maybeAnswer();
    }

    @Override
    public void message(FeedMessage message, String ignored) {
        messages.add(message);
        if (messages.size() >= maxMessages) {
            answer();
        } else {
            scheduleAnswer();
        }
    }

    @Override
    public void error(int channel, ChorusException e, Buffer frame, String ignored) {
        error = frame;
        errorStatus = e.code().httpStatus();
        answer();
    }

    private void maybeAnswer() {
        if (pendingSubscribes == 0 && (answerNow || !messages.isEmpty())) {
            scheduleAnswer();
        }
    }

    private void scheduleAnswer() {
        if (!answerScheduled && pendingSubscribes == 0) {
            answerScheduled = true;
            context.runOnContext(v -> answer());
        }
    }

    @Override
    public boolean writable() {
        return !answered && messages.size() < maxMessages;
    }

    @Override
    public void onWritable(Runnable action) {
        if (writable()) {
            context.runOnContext(v -> action.run());
        }
        // else: the answer is going out; the next poll continues from the token.
    }

    @Override
    public void overflow() {
        answer();
    }

    /** The client went away: nothing to answer, just release. */
    void abandon() {
        if (!answered) {
            answered = true;
            onAnswered.run();
        }
    }

    void answer() {
        if (answered) {
            return;
        }
        answered = true;
        String positions = token.get();
        onAnswered.run();
        if (error != null) {
            ctx.response().setStatusCode(errorStatus).putHeader("content-type", "application/json").end(error);
            return;
        }
        Buffer body = Buffer.buffer(256 + messages.size() * 160);
        body.appendString("{\"positions\":\"").appendString(positions).appendString("\",\"subscribed\":[");
        join(body, subscribed);
        body.appendString("],\"messages\":[");
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                body.appendByte((byte) ',');
            }
            body.appendBuffer(messages.get(i).frame());
            bytes += messages.get(i).frame().length();
        }
        body.appendString("]}");
        services.metrics().delivered("poll", messages.size(), bytes);
        ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                .end(body);
    }

    private static void join(Buffer body, List<Buffer> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) {
                body.appendByte((byte) ',');
            }
            body.appendBuffer(frames.get(i));
        }
    }
}
