package io.chorus.bench.load;

import io.chorus.bench.wire.Dialect;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Subscribers in this JVM, on a few Vert.x event loops with the native (epoll) transport when it is
 * available. No permessage-deflate is offered to any server.
 */
public final class LocalFleet implements Fleet {

    private final Plan plan;
    private final Vertx vertx;
    private final Receiver rx;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    public LocalFleet(Plan plan) {
        this.plan = plan;
        this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(plan.eventLoops()).setBlockedThreadCheckInterval(10_000));
        this.rx = new Receiver(plan.epoch());
        List<String> sources = plan.sourceAddresses().isEmpty() ? List.of("") : plan.sourceAddresses();
        int perClient = plan.count() / sources.size() + 1;
        List<Object> perSource = new ArrayList<>();
        for (String src : sources) {
            if (plan.transport().equals("sse")) {
                HttpClientOptions o = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true);
                if (!src.isEmpty()) {
                    o.setLocalAddress(src);
                }
                HttpClient c = vertx.createHttpClient(o, new PoolOptions().setHttp1MaxSize(perClient + 16));
                clients.add(() -> c.close());
                perSource.add(c);
            } else {
                WebSocketClientOptions o = new WebSocketClientOptions().setMaxConnections(perClient + 16)
                        .setTcpNoDelay(true).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20)
                        .setTryUsePerMessageCompression(false);
                if (!src.isEmpty()) {
                    o.setLocalAddress(src);
                }
                WebSocketClient c = vertx.createWebSocketClient(o);
                clients.add(() -> c.close());
                perSource.add(c);
            }
        }
        // One context per event loop (a non-Vert.x thread would otherwise get one sticky context);
        // a subscriber keeps its context across reconnects.
        List<io.vertx.core.Context> contexts = new ArrayList<>();
        for (int i = 0; i < plan.eventLoops(); i++) {
            contexts.add(((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext());
        }
        Dialect dialect = plan.transport().equals("sse") ? null : Dialect.of(plan.target());
        for (int k = 0; k < plan.count(); k++) {
            int i = plan.first() + k;
            int[] channels = plan.channelsOf(i);
            String[] names = new String[channels.length];
            for (int j = 0; j < channels.length; j++) {
                names[j] = plan.channelName(channels[j]);
            }
            Object client = perSource.get(k % perSource.size());
            subscribers.add(dialect == null
                    ? new SseSubscriber((HttpClient) client, plan.host(), plan.port(), rx, channels, names,
                            plan.trackPositions())
                    : new WsSubscriber(vertx, (WebSocketClient) client, dialect, plan.host(), plan.port(), rx,
                            channels, names, plan.trackPositions(), 7919L * i + 1));
            subscribers.get(k).context = contexts.get(k % contexts.size());
        }
    }

    public boolean nativeTransport() {
        return vertx.isNativeTransportEnabled();
    }

    @Override
    public ConnectReport connect(boolean resume, Duration timeout) {
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(plan.connectConcurrency());
        CountDownLatch done = new CountDownLatch(subscribers.size());
        AtomicInteger ok = new AtomicInteger();
        long deadline = start + timeout.toNanos();
        for (Subscriber s : subscribers) {
            try {
                if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            s.context.runOnContext(v -> {
                s.open(resume);
                s.ready().onComplete(ar -> {
                    if (ar.succeeded()) {
                        ok.incrementAndGet();
                    }
                    inFlight.release();
                    done.countDown();
                });
            });
        }
        try {
            done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int ready = ok.get();
        return new ConnectReport(ready, subscribers.size() - ready, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void disconnect(Duration timeout) {
        CountDownLatch done = new CountDownLatch(subscribers.size());
        for (Subscriber s : subscribers) {
            s.context.runOnContext(v -> s.close().onComplete(ar -> done.countDown()));
        }
        try {
            done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void startStep(StepSpec spec) {
        rx.step = new Step(spec, rx.nowRel());
    }

    @Override
    public void measureFrom(long rel) {
        rx.step.measureFrom = rel;
    }

    @Override
    public Counts counts() {
        return rx.counts();
    }

    @Override
    public Histogram latency() {
        return rx.step.latency.getIntervalHistogram();
    }

    @Override
    public Histogram firstDelivery() {
        return rx.step.first.getIntervalHistogram();
    }

    @Override
    public Histogram catchup() {
        return rx.step.catchup.getIntervalHistogram();
    }

    @Override
    public Map<Integer, Long> closeCodes() {
        Map<Integer, Long> m = new TreeMap<>();
        rx.closeCodes.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public List<String> failureSamples() {
        return new ArrayList<>(rx.failureSamples.keySet());
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
}
