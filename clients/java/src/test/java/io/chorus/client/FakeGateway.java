package io.chorus.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for the gateway: a Vert.x WebSocket server on 127.0.0.1, port 0, that accepts
 * sockets and lets the test play the server's part frame by frame ({@link FakeSocket}).
 */
final class FakeGateway {

    static final long WAIT_SECONDS = 5;

    private final Vertx vertx = Vertx.vertx();
    private final BlockingQueue<FakeSocket> accepted = new LinkedBlockingQueue<>();
    private final Queue<Integer> rejections = new ConcurrentLinkedQueue<>();
    private final HttpServer server;

    FakeGateway() throws Exception {
        server = vertx.createHttpServer()
                .webSocketHandshakeHandler(handshake -> {
                    Integer status = rejections.poll();
                    if (status != null) {
                        handshake.reject(status);
                    } else {
                        handshake.accept();
                    }
                })
                .webSocketHandler(ws -> accepted.add(new FakeSocket(ws)))
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.actualPort() + "/v1/ws");
    }

    /** The next handshake is refused with this HTTP status. */
    void rejectNextHandshake(int status) {
        rejections.add(status);
    }

    /** The next socket a client opened. */
    FakeSocket accept() throws InterruptedException {
        FakeSocket s = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(s, "no client connected within " + WAIT_SECONDS + " s");
        return s;
    }

    /** The next socket, greeted with {@code connected} (heartbeat 15 s). */
    FakeSocket acceptConnected() throws InterruptedException {
        FakeSocket s = accept();
        s.sendConnected(15_000);
        return s;
    }

    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
