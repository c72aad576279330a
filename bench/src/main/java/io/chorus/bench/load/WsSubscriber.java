package io.chorus.bench.load;

import io.chorus.bench.wire.Dialect;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Random;

/** A subscriber over WebSocket, speaking one server's {@link Dialect}. */
final class WsSubscriber extends Subscriber {

    private final Vertx vertx;
    private final WebSocketClient client;
    private final Dialect dialect;
    private final String host;
    private final int port;
    private final Random random;
    private WebSocket ws;
    private boolean closing;
    private Promise<Void> closed;

    WsSubscriber(Vertx vertx, WebSocketClient client, Dialect dialect, String host, int port, Receiver rx,
                 int[] channels, String[] names, boolean trackPositions, long seed) {
        super(rx, channels, names, trackPositions);
        this.vertx = vertx;
        this.client = client;
        this.dialect = dialect;
        this.host = host;
        this.port = port;
        this.random = new Random(seed);
    }

    @Override
    void open(boolean resumeFromPositions) {
        starting(resumeFromPositions);
        closing = false;
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(port)
                .setURI(dialect.uri(this)).setTimeout(60_000);
        client.connect(o).onComplete(ar -> {
            if (ar.failed()) {
                connectFailed(ar.cause());
                return;
            }
            ws = ar.result();
            WebSocket socket = ws;
            onOpen();
            socket.handler(frame -> dialect.frame(this, frame));
            socket.exceptionHandler(t -> rx.failure("socket: " + t));
            socket.closeHandler(v -> {
                Short code = socket.closeStatusCode();
                onClosed(code == null ? 1006 : code, closing);
                if (closed != null) {
                    closed.tryComplete();
                }
            });
            dialect.opened(this);
        });
    }

    @Override
    Future<Void> close() {
        closing = true;
        closed = Promise.promise();
        if (ws == null || ws.isClosed()) {
            closed.tryComplete();
        } else {
            ws.close((short) 1000, "bench");
        }
        return closed.future();
    }

    @Override
    public void send(String text) {
        if (ws != null && !ws.isClosed()) {
            ws.writeTextMessage(text);
        }
    }

    @Override
    public void subscribeFailed(int local, String frame, boolean retryable) {
        if (retryable) {
            // As an SDK would: try again after a jittered pause (busy, kafka_unavailable).
            rx.retries.increment();
            vertx.setTimer(100 + random.nextInt(400), id -> dialect.retry(this, local));
        } else {
            rx.failure(frame);
        }
    }

    @Override
    public void subscriptionEnded(int local, String frame, boolean retryable) {
        if (ended(local, frame, retryable)) {
            rx.retries.increment();
            vertx.setTimer(100 + random.nextInt(400), id -> dialect.retry(this, local));
        }
    }

    @Override
    public void protocolError(String what) {
        rx.failure(what);
        if (ws != null) {
            ws.close((short) 1000, "bench");
        }
    }
}
