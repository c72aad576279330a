package io.chorus.gateway.transport.poll;

import io.chorus.gateway.session.Frames;
import io.chorus.gateway.session.Out;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.StreamRequest;
import io.chorus.gateway.session.Transport;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The long-poll {@link Transport}: collects one poll's answer and sends it once, then ends the session.
 * It answers on the turn after the first message or change arrives (so a cache drain or a live batch
 * lands in one answer), at once when a channel started live or lost continuity (the client must learn
 * its new position) or when the poll asked for {@code timeout=0}, but never before every channel
 * started and every enter was stored; at {@code pollMaxMessages}, on an error, at the timeout, or when the session
 * closes (a refused token then answers 401 {@code token_expired}). What describes the state as the poll
 * began ({@code entered}, the {@code auth_expiring} warning, and the first {@code presence_sync} and
 * {@code occupancy} of a watch unless the client saw another state: {@link WatchNews}) rides along
 * but does not answer by itself, or every poll that watches would return at once. A {@code stream}
 * notice answers at once when the poll said which state its client last saw (then every notice is
 * news: the session sends one at open only when the state differs); otherwise it rides along. Bounded:
 * beyond the maximum, catch-up waits and live overflow answers.
 */
final class PollTransport implements Transport {

    private final HttpServerResponse response;
    private final Context context;
    private final int maxMessages;
    /** The poll carried {@code stream=}: stream notices are news to its client and answer at once. */
    private final boolean reportsStream;
    private final List<Buffer> subscribed = new ArrayList<>();
    private final List<Buffer> messages = new ArrayList<>();
    private final List<Buffer> events = new ArrayList<>();
    private Session session;
    /** Channels to start and channels to enter whose answer has not come yet. */
    private int pendingSubscribes;
    /** Which presence_sync and occupancy frames answer. */
    private final WatchNews watchNews;
    private boolean answerNow;
    private boolean answerScheduled;
    private boolean answered;
    private Buffer error;
    private int errorStatus;
    private long bytes;

    /** {@code now}: answer as soon as the channels started and the enters were stored (timeout 0). */
    PollTransport(HttpServerResponse response, StreamRequest request, int maxMessages, boolean now,
                  boolean reportsStream, WatchNews watchNews, Context context) {
        this.response = response;
        this.context = context;
        this.maxMessages = maxMessages;
        this.reportsStream = reportsStream;
        this.answerNow = now;
        // Entering counts as starting: an answer never goes out before the enters were stored.
        this.pendingSubscribes = request.channels().size() + request.enter().size();
        this.watchNews = watchNews;
    }

    void bind(Session session) {
        this.session = session;
    }

    @Override
    public void send(Out kind, Buffer frame) {
        if (answered) {
            return;
        }
        switch (kind) {
            case SUBSCRIBED -> {
                pendingSubscribes--;
                subscribed.add(frame);
                answerNow = true;
                maybeAnswer();
            }
            case RESUMED -> {
                pendingSubscribes--;
                maybeAnswer();
            }
            case MESSAGE -> {
                messages.add(frame);
                bytes += frame.length();
                if (messages.size() >= maxMessages) {
                    answer();
                } else {
                    scheduleAnswer();
                }
            }
            case ERROR, CHANNEL_ERROR -> {
                error = frame;
                errorStatus = statusOf(frame);
                answer();
            }
            case PRESENCE_EVENT -> {
                events.add(frame);
                answerNow = true;
                maybeAnswer();
            }
            case PRESENCE_SYNC, OCCUPANCY -> {
                events.add(frame);
                if (watchNews.isNews(kind, frame)) {
                    answerNow = true;
                    maybeAnswer();
                }
            }
            case ENTERED -> {
                events.add(frame);
                pendingSubscribes--;
                maybeAnswer();
            }
            case STREAM -> {
                events.add(frame);
                if (reportsStream) {
                    answerNow = true;
                    maybeAnswer();
                }
            }
            // A warning would answer every poll of its last minute at once: it rides along instead.
            case AUTH_EXPIRING -> events.add(frame);
            default -> { } // connected, ping: a poll needs neither
        }
    }

    /** An error frame's HTTP status (the one place a poll reads a frame it was given: errors are rare). */
    private static int statusOf(Buffer frame) {
        try {
            return ErrorCode.byWireName(Frames.JSON.readTree(frame.getBytes()).path("error").asText()).httpStatus();
        } catch (java.io.IOException | RuntimeException e) {
            return ErrorCode.INTERNAL.httpStatus();
        }
    }

    private void maybeAnswer() {
        if (pendingSubscribes <= 0 && (answerNow || !messages.isEmpty())) {
            scheduleAnswer();
        }
    }

    private void scheduleAnswer() {
        if (!answerScheduled && pendingSubscribes <= 0) {
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
    public void heartbeat(Buffer jsonPing) {
        // A poll answers within the poll timeout: no heartbeat needed.
    }

    /** Draining and slow consumers answer with what was collected; an expired token is refused. */
    @Override
    public void close(CloseReason reason) {
        if (reason == CloseReason.TOKEN_EXPIRED && error == null) {
            error = Frames.error(null, null, new ChorusException(ErrorCode.TOKEN_EXPIRED,
                    "the token expired; poll again with a new one"));
            errorStatus = ErrorCode.TOKEN_EXPIRED.httpStatus();
        }
        answer();
    }

    /** The client went away: nothing to answer, just release. */
    void abandon() {
        if (!answered) {
            answered = true;
            session.onClosed();
        }
    }

    /** Sends the answer (once) and ends the session: nothing stays on the pod between polls. */
    void answer() {
        if (answered) {
            return;
        }
        answered = true;
        String positions = session.positionsToken();
        session.onClosed();
        if (error != null) {
            response.setStatusCode(errorStatus).putHeader("content-type", "application/json").end(error);
            return;
        }
        Buffer body = Buffer.buffer(256 + (int) bytes + 64 * events.size());
        body.appendString("{\"positions\":\"").appendString(positions).appendString("\",\"subscribed\":");
        join(body, subscribed);
        body.appendString(",\"messages\":");
        join(body, messages);
        body.appendString(",\"events\":");
        join(body, events);
        body.appendString("}");
        response.putHeader("content-type", "application/json").putHeader("cache-control", "no-store").end(body);
    }

    private static void join(Buffer body, List<Buffer> frames) {
        body.appendByte((byte) '[');
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) {
                body.appendByte((byte) ',');
            }
            body.appendBuffer(frames.get(i));
        }
        body.appendByte((byte) ']');
    }

    @Override
    public boolean duplex() {
        return false;
    }

    @Override
    public String kind() {
        return "poll";
    }
}
