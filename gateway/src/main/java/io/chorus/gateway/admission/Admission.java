package io.chorus.gateway.admission;

import io.chorus.gateway.config.LimitsConfig;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides, before any work is done, whether a new connection (WebSocket, SSE stream or long-poll)
 * may open: not while draining, not beyond {@code maxConnections}, not faster than the pod-wide and
 * per-IP rates. The per-IP buckets live in a bounded LRU map. Also rate-limits HTTP publishes per IP.
 */
public final class Admission {

    private final LimitsConfig limits;
    private final Clock clock;
    private final GatewayMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final TokenBucket podRate;
    private final Map<String, TokenBucket> perIp;
    private final Map<String, TokenBucket> publishPerIp;
    private final Map<String, TokenBucket> publishPerClient;
    private volatile boolean draining;

    public Admission(LimitsConfig limits, Clock clock, GatewayMetrics metrics) {
        this.limits = limits;
        this.clock = clock;
        this.metrics = metrics;
        this.podRate = new TokenBucket(limits.newConnectionsPerSecond(), limits.newConnectionsPerSecond(), clock);
        this.perIp = lru(limits.trackedIps());
        this.publishPerIp = lru(limits.trackedIps());
        this.publishPerClient = lru(limits.trackedIps());
        metrics.gauge("chorus_connections_open", "connections of every transport counted against maxConnections",
                open::get);
    }

    private static Map<String, TokenBucket> lru(int capacity) {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Admits a connection and counts it, or throws the refusal; the caller must {@link #release}. */
    public void admit(String ip, String transport) {
        if (draining) {
            throw refuse(transport, new ChorusException(ErrorCode.DRAINING, "this pod is shutting down", 1000));
        }
        if (open.get() >= limits.maxConnections()) {
            throw refuse(transport, new ChorusException(ErrorCode.OVERLOADED,
                    "this pod has its maximum of connections", 1000));
        }
        long wait;
        synchronized (this) {
            wait = podRate.tryTake();
            if (wait == 0) {
                wait = perIp.computeIfAbsent(ip, k -> bucket(limits.newConnectionsPerIpPerSecond())).tryTake();
            }
        }
        if (wait > 0) {
            throw refuse(transport, new ChorusException(ErrorCode.OVERLOADED, "too many new connections", wait));
        }
        open.incrementAndGet();
        metrics.connectionOpened(transport);
    }

    public void release(String transport) {
        open.decrementAndGet();
        metrics.connectionClosed(transport);
    }

    /** Rate-limits HTTP publishes by client address. */
    public void publishFrom(String ip) {
        take(publishPerIp, ip, limits.publishesPerSecond(), "too many publishes from this address");
    }

    /**
     * Rate-limits publishes by authenticated client id, across all of that client's connections on
     * this pod (anonymous clients are limited per connection and address instead).
     */
    public void publishBy(String clientId) {
        take(publishPerClient, clientId, limits.publishesPerClientPerSecond(), "too many publishes by this client");
    }

    private void take(Map<String, TokenBucket> buckets, String key, int perSecond, String message) {
        long wait;
        synchronized (this) {
            wait = buckets.computeIfAbsent(key, k -> bucket(perSecond)).tryTake();
        }
        if (wait > 0) {
            throw new ChorusException(ErrorCode.RATE_LIMITED, message, wait);
        }
    }

    public TokenBucket bucket(int perSecond) {
        return new TokenBucket(perSecond, perSecond, clock);
    }

    public void startDraining() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    public int open() {
        return open.get();
    }

    private ChorusException refuse(String transport, ChorusException e) {
        metrics.refused(transport, e.code().wireName());
        return e;
    }
}
