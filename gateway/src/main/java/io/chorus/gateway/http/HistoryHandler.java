package io.chorus.gateway.http;

import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.config.NamespaceConfig;
import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.feed.ScanRequest;
import io.chorus.gateway.feed.ScanResult;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.gateway.subscription.PositionCheck;
import io.chorus.gateway.subscription.StartSpec;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.Position;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code GET /v1/channels/{channel}/messages}: forward from a position ({@code since}), or backward
 * from the end or from a position ({@code before}), one bounded page at a time with a {@code next}
 * link. Pages come from the pod's cache when it covers them, else from Kafka (catch-up reader).
 */
public final class HistoryHandler implements Handler<RoutingContext> {

    private final RestDeps deps;

    public HistoryHandler(RestDeps deps) {
        this.deps = deps;
    }

    /**
     * One page: its messages (oldest first forward, newest first backward), the position the next page
     * continues from ({@code since} forward, {@code before} backward; null when none), and why
     * continuity was lost, if it was.
     */
    public record Page(List<FeedMessage> messages, Position next, String reason) {
    }

    @Override
    public void handle(RoutingContext ctx) {
        try {
            ChannelName channel = ChannelPath.parse(ctx.request().path());
            deps.subscriptions().namespace(channel);
            Credentials.authenticate(ctx.request(), ctx.vertx().getOrCreateContext(), deps.auth(), "anonymous")
                    .onSuccess(who -> read(ctx, channel, who))
                    .onFailure(err -> HttpErrors.send(ctx, err, deps.metrics()));
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
        }
    }

    private void read(RoutingContext ctx, ChannelName channel, Principal who) {
        try {
            Authenticator.require(who, channel, Operation.HISTORY);
            String since = ctx.request().getParam("since");
            String before = ctx.request().getParam("before");
            if (since != null && before != null) {
                throw new ChorusException(ErrorCode.INVALID_FIELD, "give since or before, not both");
            }
            int limit = limit(ctx.request().getParam("limit"));
            CompletableFuture<Page> page = read(channel, since == null ? null : Position.decode(since),
                    before == null ? null : Position.decode(before), limit);
            Future.fromCompletionStage(page, ctx.vertx().getOrCreateContext())
                    .onSuccess(p -> respond(ctx, channel, p, since != null ? "since" : "before", limit))
                    .onFailure(err -> HttpErrors.send(ctx, err, deps.metrics()));
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
        }
    }

    /**
     * A page of the channel's history, for callers that checked access (the history capability): forward
     * after {@code since}, else backward before {@code before} (exclusive) or from the end. Completes on a
     * Kafka or catalog thread; fails with a ChorusException.
     */
    public CompletableFuture<Page> read(ChannelName channel, Position since, Position before, int limit) {
        NamespaceConfig ns = deps.subscriptions().namespace(channel);
        Partitioner partitioner = ns.partitioner();
        deps.metrics().history(since != null ? "forward" : "backward");
        return deps.catalog().topic(ns.topic()).thenCompose(topic -> since != null
                ? forward(channel, partitioner, topic, since, limit)
                : backward(channel, partitioner, topic, before, limit));
    }

    private int limit(String raw) {
        int max = deps.config().history().maxLimit();
        if (raw == null) {
            return Math.min(deps.config().history().defaultLimit(), max);
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ChorusException(ErrorCode.INVALID_FIELD, "limit must be an integer from 1 to " + max);
    }

    private CompletableFuture<Page> forward(ChannelName channel, Partitioner partitioner, TopicInfo cached,
                                            Position since, int limit) {
        return PositionCheck.check(deps.catalog(), cached, channel, partitioner, since).thenCompose(check -> {
            TopicInfo topic = check.topic();
            TopicPartition tp = topic.partitionFor(channel, partitioner);
            if (check.start() instanceof StartSpec.Live) {
                return deps.catalog().offsets(tp).thenApply(range -> new Page(List.of(),
                        topic.position(tp.partition(), range[1] - 1), check.reason()));
            }
            long after = ((StartSpec.Since) check.start()).position().offset();
            List<FeedMessage> fromCache = deps.cache().after(tp, channel.value(), after);
            if (fromCache != null && check.reason() == null) {
                List<FeedMessage> page = fromCache.subList(0, Math.min(limit, fromCache.size()));
                long last = page.isEmpty() ? after : page.get(page.size() - 1).offset();
                return CompletableFuture.completedFuture(forwardPage(channel, topic, tp, last, page, limit, null));
            }
            ScanRequest req = new ScanRequest(topic, channel.value(), tp.partition(), after + 1, Long.MAX_VALUE, limit);
            return deps.catchup().forward(req).thenApply(r -> {
                String reason = check.reason();
                if (reason == null && after + 1 < r.firstOffset()) {
                    reason = "out_of_retention";
                }
                // The reader dropped repeats (IdIndex's rule) and says where it stopped: the link goes
                // on from there, past any repeats at the end of the page.
                long last = Math.max(after, r.nextOffset() - 1);
                return forwardPage(channel, topic, tp, last, r.messages(), limit, reason);
            });
        });
    }

    private Page forwardPage(ChannelName channel, TopicInfo topic, TopicPartition tp, long last,
                             List<FeedMessage> messages, int limit, String reason) {
        return new Page(messages, topic.position(tp.partition(), last), reason);
    }

    private CompletableFuture<Page> backward(ChannelName channel, Partitioner partitioner, TopicInfo cached,
                                             Position before, int limit) {
        CompletableFuture<PositionCheck.Result> checked = before == null
                ? CompletableFuture.completedFuture(new PositionCheck.Result(cached, new StartSpec.Live(), null))
                : PositionCheck.check(deps.catalog(), cached, channel, partitioner, before);
        return checked.thenCompose(check -> {
            if (check.reason() != null) {
                throw new ChorusException(ErrorCode.INVALID_POSITION, "the position's topic changed ("
                        + check.reason() + "); read backward without before");
            }
            TopicInfo topic = check.topic();
            TopicPartition tp = topic.partitionFor(channel, partitioner);
            long until = before == null ? Long.MAX_VALUE : before.offset();
            ScanRequest req = new ScanRequest(topic, channel.value(), tp.partition(), 0, until, limit);
            return deps.catchup().backward(req).thenApply(r -> backwardPage(channel, topic, tp, r, limit));
        });
    }

    private Page backwardPage(ChannelName channel, TopicInfo topic, TopicPartition tp, ScanResult r, int limit) {
        List<FeedMessage> newestFirst = new ArrayList<>(r.messages());
        Collections.reverse(newestFirst);
        Position next = r.reachedStart() || r.messages().isEmpty() ? null
                : topic.position(tp.partition(), r.messages().get(0).offset());
        return new Page(newestFirst, next, null);
    }

    private static String link(ChannelName channel, String param, Position p, int limit) {
        return ChannelPath.PREFIX + ChannelPath.encode(channel) + ChannelPath.SUFFIX + "?" + param + "=" + p.encode()
                + "&limit=" + limit;
    }

    private static void respond(io.vertx.ext.web.RoutingContext ctx, ChannelName channel, Page page, String param,
                                int limit) {
        Buffer body = Buffer.buffer(256 + page.messages().size() * 128);
        body.appendString("{\"channel\":\"").appendString(channel.value()).appendString("\",\"messages\":[");
        for (int i = 0; i < page.messages().size(); i++) {
            if (i > 0) {
                body.appendByte((byte) ',');
            }
            body.appendBuffer(page.messages().get(i).frame());
        }
        body.appendString("],\"next\":");
        body.appendString(page.next() == null ? "null" : "\"" + link(channel, param, page.next(), limit) + "\"");
        if (page.reason() != null) {
            body.appendString(",\"resumed\":false,\"reason\":\"").appendString(page.reason()).appendString("\"");
        }
        body.appendString("}");
        ctx.response().putHeader("content-type", "application/json").end(body);
    }
}
