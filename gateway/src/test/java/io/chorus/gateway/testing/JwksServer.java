package io.chorus.gateway.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An identity provider's JWKS endpoint on 127.0.0.1, port 0, that counts the requests it answers. */
public final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String body = "{\"keys\":[]}";
    private volatile int status = 200;
    /** Released on close: a server that stalls never answers before. */
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean stalled;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    public JwksServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            requests.incrementAndGet(); // before the answer: a fetch that ended is always counted
            awaitQuietly(stalled);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
    }

    /** What the next requests get. */
    public void serve(int status, String body) {
        this.status = status;
        this.body = body;
    }

    /** From now on the server accepts requests and never answers them (until closed). */
    public void stall() {
        stalled = true;
    }

    private void awaitQuietly(boolean stall) {
        if (stall) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        if (stopped.compareAndSet(false, true)) {
            release.countDown();
            server.stop(0);
        }
    }
}
