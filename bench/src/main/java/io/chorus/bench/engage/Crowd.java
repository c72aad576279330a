package io.chorus.bench.engage;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sockets of a run (participants and screens) in this JVM, on a few Vert.x event loops with the
 * native transport, spread round-robin over loopback source addresses (about 28,000 client ports per
 * address). Called from one coordinating thread.
 */
public final class Crowd implements AutoCloseable {

    /** Where the gateway is and how to reach it. */
    public record Plan(String host, int port, List<String> sourceAddresses, int eventLoops, int connectConcurrency,
                       long epoch) {
    }

    /** How a connect round went. */
    public record Connected(int ok, int failed, long millis) {
    }

    private final Plan plan;
    private final Vertx vertx;
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final List<Context> contexts = new ArrayList<>();
    private int opened;

    public Crowd(Plan plan, int maxSockets) {
        this.plan = plan;
        this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(plan.eventLoops()).setBlockedThreadCheckInterval(10_000));
        List<String> sources = plan.sourceAddresses().isEmpty() ? List.of("") : plan.sourceAddresses();
        for (String src : sources) {
            WebSocketClientOptions o = new WebSocketClientOptions()
                    .setMaxConnections(maxSockets / sources.size() + 16).setTcpNoDelay(true)
                    .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20).setTryUsePerMessageCompression(false);
            if (!src.isEmpty()) {
                o.setLocalAddress(src);
            }
            clients.add(vertx.createWebSocketClient(o));
        }
        // One context per event loop; a socket stays on its context.
        for (int i = 0; i < plan.eventLoops(); i++) {
            contexts.add(((VertxInternal) vertx).createEventLoopContext());
        }
    }

    /** The run's epoch: every time in a run is {@code System.nanoTime()} minus it. */
    public long epoch() {
        return plan.epoch();
    }

    public boolean nativeTransport() {
        return vertx.isNativeTransportEnabled();
    }

    /** A socket not yet opened, on the next event loop and source address. */
    public EngageSocket socket(String token, EngageSocket.Listener listener) {
        int n = opened++;
        return new EngageSocket(clients.get(n % clients.size()), contexts.get(n % contexts.size()), plan.host(),
                plan.port(), token, plan.epoch(), listener);
    }

    /** Opens the sockets, at most {@code connectConcurrency} at a time, within {@code timeout}. */
    public Connected open(List<EngageSocket> sockets, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Semaphore inFlight = new Semaphore(plan.connectConcurrency());
        CountDownLatch done = new CountDownLatch(sockets.size());
        AtomicInteger ok = new AtomicInteger();
        for (EngageSocket s : sockets) {
            try {
                if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            s.context().runOnContext(v -> s.open().onComplete(ar -> {
                if (ar.succeeded()) {
                    ok.incrementAndGet();
                }
                inFlight.release();
                done.countDown();
            }));
        }
        try {
            done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Connected(ok.get(), sockets.size() - ok.get(), (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void close() {
        for (WebSocketClient c : clients) {
            c.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(t -> null).join();
    }
}
