package io.chorus.gateway.subscription;

import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.config.NamespaceConfig;
import io.chorus.gateway.feed.CatchupReader;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.feed.LiveReader;
import io.chorus.gateway.feed.MessageCache;
import io.chorus.gateway.feed.ScanRequest;
import io.chorus.gateway.feed.ScanResult;
import io.chorus.gateway.feed.TopicCatalog;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Starts subscriptions and carries each one from its start to live: decides where delivery starts
 * (checking a {@code since} position against the topic's id, partition count and retained range),
 * replays from the cache or, when older, from Kafka in bounded steps that wait for the connection to
 * drain, and hands over to live with no gap and no duplicate. Every step after an asynchronous call
 * runs on the subscriber's event loop.
 */
public final class SubscriptionService {

    private final GatewayConfig config;
    private final TopicCatalog catalog;
    private final LiveReader live;
    private final MessageCache cache;
    private final CatchupReader catchup;
    private final Hub hub;
    private final GatewayMetrics metrics;
    private final java.time.Clock clock;
    private final java.util.function.ObjIntConsumer<ChannelName> occupancy;

    /** {@code occupancy} is told of every subscription that starts (+1) and ends (-1) on this pod. */
    public SubscriptionService(GatewayConfig config, TopicCatalog catalog, LiveReader live, MessageCache cache,
                               CatchupReader catchup, Hub hub, GatewayMetrics metrics, java.time.Clock clock,
                               java.util.function.ObjIntConsumer<ChannelName> occupancy) {
        this.occupancy = occupancy;
        this.config = config;
        this.catalog = catalog;
        this.live = live;
        this.cache = cache;
        this.catchup = catchup;
        this.hub = hub;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The namespace's options, or {@link ErrorCode#UNKNOWN_NAMESPACE}. */
    public NamespaceConfig namespace(ChannelName channel) {
        NamespaceConfig ns = config.namespace(channel.namespace());
        if (ns == null) {
            throw new ChorusException(ErrorCode.UNKNOWN_NAMESPACE, "namespace '" + channel.namespace()
                    + "' is not configured");
        }
        return ns;
    }

    public Future<TopicInfo> topic(Shard shard, ChannelName channel) {
        return on(shard, catalog.topic(namespace(channel).topic()));
    }

    /**
     * Creates a subscription; the future completes with where delivery starts, after which messages
     * flow to the sink. {@code onFailure} is told when a later catch-up step fails and the
     * subscription has ended.
     */
    public Subscription create(ChannelName channel, MessageSink sink) {
        return create(channel, sink, 0);
    }

    /**
     * A subscription; in a conflating namespace it conflates when it falls behind and, with
     * {@code maxRate} > 0 (messages per second), always. Call on the subscriber's event loop.
     */
    public Subscription create(ChannelName channel, MessageSink sink, double maxRate) {
        NamespaceConfig ns = namespace(channel);
        if (maxRate > 0 && !ns.conflate()) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "maxRate needs a conflating namespace; '"
                    + channel.namespace() + "' delivers every message");
        }
        Subscription sub = new Subscription(channel, sink, ns.partitioner());
        if (ns.conflate()) {
            io.vertx.core.Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
            sub.conflator = new Conflator(ns.conflateKey(), maxRate, Math.max(1, ns.conflateMaxKeys()), clock::millis,
                    (delay, task) -> vertx.setTimer(delay, id -> task.run()));
        }
        return sub;
    }

    public Future<Subscribed> start(Shard shard, Subscription sub, StartSpec spec, Consumer<Throwable> onFailure) {
        return topic(shard, sub.channel).compose(info -> {
            if (sub.state == Subscription.State.CLOSED) {
                return Future.failedFuture(new ChorusException(ErrorCode.NOT_SUBSCRIBED, "unsubscribed"));
            }
            sub.topic = info;
            sub.tp = info.partitionFor(sub.channel, sub.partitioner);
            sub.catchUpStep = () -> step(shard, sub, onFailure);
            hub.interested(sub.tp, shard);
            shard.add(sub);
            occupancy.accept(sub.channel, 1);
            return checkPosition(shard, sub, spec)
                    .compose(checked -> on(shard, live.ensureLive(sub.topic, sub.tp)).map(v -> checked))
                    .compose(checked -> begin(shard, sub, checked, onFailure))
                    .onFailure(err -> stop(shard, sub));
        });
    }

    /** Ends the subscription; live batches and catch-up steps for it are dropped from now on. */
    public void stop(Shard shard, Subscription sub) {
        if (sub.state == Subscription.State.CLOSED) {
            return;
        }
        boolean registered = sub.tp != null;
        sub.state = Subscription.State.CLOSED;
        if (registered) {
            shard.remove(sub);
            hub.notInterested(sub.tp, shard);
            occupancy.accept(sub.channel, -1);
        }
    }

    /** A since-position checked against the topic as it is now; reason non-null when continuity is lost. */
    private record Checked(StartSpec spec, String reason) {
    }

    private Future<Checked> checkPosition(Shard shard, Subscription sub, StartSpec spec) {
        if (!(spec instanceof StartSpec.Since since)) {
            return Future.succeededFuture(new Checked(spec, null));
        }
        return on(shard, PositionCheck.check(catalog, sub.topic, sub.channel, sub.partitioner,
                since.position())).map(r -> {
            if (!r.topic().equals(sub.topic)) {
                relocate(shard, sub, r.topic());
            }
            return new Checked(r.start(), r.reason());
        });
    }

    /** The topic was recreated or repartitioned since the metadata was cached: register anew. */
    private void relocate(Shard shard, Subscription sub, TopicInfo info) {
        shard.remove(sub);
        hub.notInterested(sub.tp, shard);
        sub.topic = info;
        sub.tp = info.partitionFor(sub.channel, sub.partitioner);
        hub.interested(sub.tp, shard);
        shard.add(sub);
    }

    private Future<Subscribed> begin(Shard shard, Subscription sub, Checked checked, Consumer<Throwable> onFailure) {
        if (sub.state == Subscription.State.CLOSED) {
            return Future.failedFuture(new ChorusException(ErrorCode.NOT_SUBSCRIBED, "unsubscribed while starting"));
        }
        long next = cache.next(sub.tp);
        if (checked.spec instanceof StartSpec.Live) {
            metrics.resume(checked.reason == null ? "live" : checked.reason);
            return Future.succeededFuture(goLive(sub, next - 1, checked.reason));
        }
        if (checked.spec instanceof StartSpec.Rewind rewind) {
            return rewind(shard, sub, rewind.count(), next, onFailure);
        }
        long after = ((StartSpec.Since) checked.spec).position().offset();
        long coverage = cache.coverageStart(sub.tp, sub.channel.value());
        if (checked.reason == null && after + 1 >= coverage && after < next) {
            metrics.resume("cache");
            sub.last = after;
            Subscribed answer = new Subscribed(position(sub, after), true, null);
            sub.catchUp();
            return Future.succeededFuture(answer);
        }
        // A shared answer may be older than this subscribe: it is trusted only when it says the
        // position is inside the log; "at or beyond the end" is asked again before acting on it.
        return on(shard, catalog.sharedOffsets(sub.tp)).compose(range -> after >= range[1]
                ? on(shard, catalog.offsets(sub.tp)) : Future.succeededFuture(range)).map(range -> {
            ensureOpen(sub);
            long first = range[0];
            long end = range[1];
            if (checked.reason == null && after >= end) {
                metrics.resume("position_ahead");
                return goLive(sub, next - 1, "position_ahead");
            }
            String reason = checked.reason;
            long from = after;
            if (after + 1 < first) {
                reason = reason == null ? "out_of_retention" : reason;
                from = first - 1;
            }
            metrics.resume(reason == null ? "kafka" : reason);
            sub.last = from;
            // The subscribed reply goes out first; the catch-up step starts on the next turn.
            sub.catchUp();
            return new Subscribed(position(sub, from), reason == null, reason);
        });
    }

    private static void ensureOpen(Subscription sub) {
        if (sub.state == Subscription.State.CLOSED) {
            throw new ChorusException(ErrorCode.NOT_SUBSCRIBED, "unsubscribed while starting");
        }
    }

    private Subscribed goLive(Subscription sub, long last, String reason) {
        sub.last = last;
        sub.state = Subscription.State.LIVE;
        return new Subscribed(position(sub, last), reason == null ? null : false, reason);
    }

    private Future<Subscribed> rewind(Shard shard, Subscription sub, int count, long next,
                                      Consumer<Throwable> onFailure) {
        metrics.resume("rewind");
        List<FeedMessage> cached = cache.latest(sub.tp, sub.channel.value(), next, count, Long.MIN_VALUE);
        Future<Long> start = cached != null
                ? Future.succeededFuture(cached.isEmpty() ? next - 1 : cached.get(0).offset() - 1)
                : on(shard, catchup.backward(new ScanRequest(sub.topic, sub.channel.value(),
                        sub.tp.partition(), 0, next, count)))
                        .map(r -> r.messages().isEmpty() ? next - 1 : r.messages().get(0).offset() - 1);
        return start.map(from -> {
            ensureOpen(sub);
            sub.last = from;
            sub.catchUp();
            return new Subscribed(position(sub, from), null, null);
        });
    }

    /**
     * One catch-up step: when the cache covers what comes next, drain it and go live (all on this
     * event loop, so no live batch can slip in between); otherwise read a bounded batch from Kafka,
     * deliver it, and wait for the connection to drain before the next step.
     */
    private void step(Shard shard, Subscription sub, Consumer<Throwable> onFailure) {
        if (sub.state != Subscription.State.CATCHING_UP) {
            return;
        }
        if (!sub.sink.writable()) {
            sub.catchUp();
            return;
        }
        String channel = sub.channel.value();
        List<FeedMessage> cached = cache.after(sub.tp, channel, sub.last);
        if (cached != null) {
            cached.forEach(sub::deliver);
            shard.flush();
            sub.state = Subscription.State.LIVE;
            return;
        }
        long coverage = cache.coverageStart(sub.tp, channel);
        ScanRequest req = new ScanRequest(sub.topic, channel, sub.tp.partition(), sub.last + 1, coverage,
                config.catchup().batchRecords());
        on(shard, catchup.sharedForward(req)).onComplete(ar -> {
            if (sub.state != Subscription.State.CATCHING_UP) {
                return;
            }
            if (ar.failed()) {
                stop(shard, sub);
                onFailure.accept(ar.cause());
                return;
            }
            ScanResult r = ar.result();
            metrics.catchupBatch(r.messages().size());
            if (r.firstOffset() > sub.last + 1) {
                // Retention removed records this subscriber had not read yet. Saying so takes a new
                // subscribe (resumed:false, out_of_retention); the connection is told to reconnect.
                stop(shard, sub);
                metrics.resume("lost_while_behind");
                sub.sink.overflow();
                return;
            }
            // The reader dropped repeats of message ids as the live reader does (IdIndex's rule).
            r.messages().forEach(sub::deliver);
            shard.flush();
            if (r.nextOffset() - 1 <= sub.last && r.messages().isEmpty() && sub.last + 1 < coverage) {
                stop(shard, sub);
                onFailure.accept(new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "catch-up made no progress"));
                return;
            }
            sub.last = Math.max(sub.last, r.nextOffset() - 1);
            sub.catchUp();
        });
    }

    private static String position(Subscription sub, long offset) {
        return sub.topic.position(sub.tp.partition(), offset).encode();
    }

    private static <T> Future<T> on(Shard shard, CompletionStage<T> stage) {
        Promise<T> p = Promise.promise();
        stage.whenComplete((v, err) -> shard.context().runOnContext(x -> {
            if (err != null) {
                p.fail(Failures.unwrap(err));
            } else {
                p.complete(v);
            }
        }));
        return p.future();
    }
}
