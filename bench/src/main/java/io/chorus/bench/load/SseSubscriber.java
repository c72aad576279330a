package io.chorus.bench.load;

import io.chorus.bench.wire.SseParser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A subscriber over Chorus's {@code GET /v1/sse}: one streaming response per connection. */
final class SseSubscriber extends Subscriber {

    private final HttpClient client;
    private final String host;
    private final int port;
    private HttpClientResponse response;
    private boolean closing;
    private Promise<Void> closed;

    SseSubscriber(HttpClient client, String host, int port, Receiver rx, int[] channels, String[] names,
                  boolean trackPositions) {
        super(rx, channels, names, trackPositions);
        this.client = client;
        this.host = host;
        this.port = port;
    }

    @Override
    void open(boolean resumeFromPositions) {
        starting(resumeFromPositions);
        closing = false;
        StringBuilder uri = new StringBuilder("/v1/sse?");
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < channelCount(); i++) {
            uri.append(i == 0 ? "" : "&").append("channel=").append(URLEncoder.encode(channelName(i), StandardCharsets.UTF_8));
            String since = since(i);
            token.append(i == 0 ? "" : ",").append(since == null ? "" : since);
        }
        if (resumeFromPositions) {
            uri.append("&positions=").append(URLEncoder.encode(token.toString(), StandardCharsets.UTF_8));
        }
        SseParser parser = new SseParser(this);
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
                        .setURI(uri.toString()).putHeader("accept", "text/event-stream").setIdleTimeout(0))
                .compose(req -> req.send())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        connectFailed(ar.cause());
                        return;
                    }
                    HttpClientResponse r = ar.result();
                    if (r.statusCode() != 200) {
                        r.body().onComplete(b -> connectFailed(new IllegalStateException("SSE answered "
                                + r.statusCode() + " " + (b.succeeded() ? b.result() : ""))));
                        return;
                    }
                    response = r;
                    onOpen();
                    r.handler(parser::feed);
                    r.exceptionHandler(t -> {
                        if (!closing) {
                            rx.failure("sse: " + t);
                        }
                    });
                    r.endHandler(v -> ended());
                    r.request().connection().closeHandler(v -> ended());
                });
    }

    private void ended() {
        if (response == null) {
            return;
        }
        response = null;
        onClosed(closing ? 1000 : 1006, closing);
        if (closed != null) {
            closed.tryComplete();
        }
    }

    @Override
    Future<Void> close() {
        closing = true;
        closed = Promise.promise();
        if (response == null) {
            closed.tryComplete();
        } else {
            response.request().connection().close();
        }
        return closed.future();
    }

    @Override
    public void send(String text) {
        throw new UnsupportedOperationException("SSE is one-way");
    }

    @Override
    public void subscribeFailed(int local, String frame, boolean retryable) {
        rx.failure(frame);
    }

    @Override
    public void subscriptionEnded(int local, String frame, boolean retryable) {
        // One SSE stream carries every channel: a client reconnects the stream; not done here.
        ended(local, frame, false);
    }

    @Override
    public void protocolError(String what) {
        rx.failure(what);
    }
}
