package io.chorus.gateway.http.ably;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.config.NamespaceConfig;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.http.HistoryHandler;
import io.chorus.gateway.http.RestDeps;
import io.chorus.gateway.transport.ably.AblyCode;
import io.chorus.gateway.transport.ably.AblyError;
import io.chorus.gateway.transport.ably.AblyRefusal;
import io.chorus.gateway.transport.ably.AblyRestCodec;
import io.chorus.gateway.transport.ably.AblyTokens;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.Position;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /channels/{name}/messages} (RSL2): Ably's history over Chorus's ({@link HistoryHandler}).
 * {@code direction} backwards (default, newest first) or forwards, {@code limit} (default 100, at most
 * 1000 and {@code history.maxLimit}), {@code start}/{@code end} (ms, inclusive) and {@code from_serial}
 * (what ably-js sends for {@code untilAttach}, RTL10b: the channel's ATTACHED channelSerial, a Chorus
 * position; history then ends at that message). Pages link to each other with {@code Link} headers
 * ({@code rel="first"}, {@code "current"}, {@code "next"}, TG), whose {@code before}/{@code since}
 * parameter is the Chorus position the next page continues from, so {@code page.next()} works on any pod.
 * {@code start}/{@code end} filter by record timestamp (Kafka has no index by time here); a page whose
 * messages all fall outside is read past, at most {@link #MAX_READS} reads per request.
 */
final class AblyHistory {

    /** Ably's default and largest page (RSL2b3). */
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** Reads of Chorus pages one request may make while start/end filter everything out. */
    static final int MAX_READS = 20;

    private final RestDeps deps;
    private final HistoryHandler history;

    AblyHistory(RestDeps deps, HistoryHandler history) {
        this.deps = deps;
        this.history = history;
    }

    /** What one request asked for; {@code cursor} is where this page starts (from a Link), or null. */
    record Query(boolean forwards, int limit, Long start, Long end, Position until, Position cursor) {

        /** The query string of this query at {@code at} (no cursor: the first page). */
        String queryString(Position at) {
            StringBuilder q = new StringBuilder("direction=").append(forwards ? "forwards" : "backwards")
                    .append("&limit=").append(limit);
            if (start != null) {
                q.append("&start=").append(start);
            }
            if (end != null) {
                q.append("&end=").append(end);
            }
            if (until != null) {
                q.append("&from_serial=").append(enc(until.encode()));
            }
            if (at != null) {
                q.append(forwards ? "&since=" : "&before=").append(enc(at.encode()));
            }
            return q.toString();
        }

        /** TG4-style links: first, current, and next when there is one. */
        String link(Position next) {
            String s = "<./messages?" + queryString(null) + ">; rel=\"first\", <./messages?" + queryString(cursor)
                    + ">; rel=\"current\"";
            return next == null ? s : s + ", <./messages?" + queryString(next) + ">; rel=\"next\"";
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    void handle(AblyRestApi api, RoutingContext ctx, ChannelName channel, AblyTokens.Grant grant) {
        NamespaceConfig ns = deps.subscriptions().namespace(channel);
        Authenticator.require(grant.principal(null, "rest"), channel, Operation.HISTORY);
        Query q = parse(ctx, Math.min(MAX_LIMIT, deps.config().history().maxLimit()));
        CompletableFuture<Position> first = q.cursor() != null ? CompletableFuture.completedFuture(q.cursor())
                : !q.forwards() ? CompletableFuture.completedFuture(
                        q.until() == null ? null : q.until().withOffset(q.until().offset() + 1))
                : deps.catalog().topic(ns.topic()).thenApply(t -> t.position(
                        t.partitionFor(channel, ns.partitioner()).partition(), -1));
        List<FeedMessage> items = new ArrayList<>();
        CompletableFuture<Position> next = first.thenCompose(at -> collect(channel, q, at, items, 0));
        Future.fromCompletionStage(next, ctx.vertx().getOrCreateContext()).onSuccess(n -> {
            ArrayNode body = AblyRestApi.JSON.createArrayNode();
            items.forEach(m -> body.add(AblyRestCodec.message(m.frame().getBytes())));
            ctx.response().putHeader("Link", q.link(n));
            api.ok(ctx, "history", 200, body.toString());
        }).onFailure(err -> api.failed(ctx, "history", err, false));
    }

    /** Reads pages from {@code at} until one keeps a message (or {@link #MAX_READS}); completes with the next cursor. */
    private CompletableFuture<Position> collect(ChannelName channel, Query q, Position at, List<FeedMessage> items,
                                                int reads) {
        CompletableFuture<HistoryHandler.Page> page = q.forwards() ? history.read(channel, at, null, q.limit())
                : history.read(channel, null, at, q.limit());
        return page.thenCompose(p -> {
            boolean done = false;
            for (FeedMessage m : p.messages()) {
                if (q.forwards() ? m.timestamp() < (q.start() == null ? Long.MIN_VALUE : q.start())
                        : q.end() != null && m.timestamp() > q.end()) {
                    continue; // not reached the range yet
                }
                if (q.forwards() ? (q.end() != null && m.timestamp() > q.end())
                        || (q.until() != null && m.offset() > q.until().offset())
                        : q.start() != null && m.timestamp() < q.start()) {
                    done = true; // past the range: this is the last page
                    break;
                }
                items.add(m);
            }
            // Forward pages always name where they stopped; fewer messages than asked means the end for now.
            Position next = done || p.next() == null || (q.forwards() && p.messages().size() < q.limit()) ? null
                    : p.next();
            if (items.isEmpty() && next != null && reads + 1 < MAX_READS) {
                return collect(channel, q, next, items, reads + 1);
            }
            return CompletableFuture.completedFuture(next);
        });
    }

    private static Query parse(RoutingContext ctx, int maxLimit) {
        String direction = ctx.request().getParam("direction");
        if (direction != null && !direction.equals("forwards") && !direction.equals("backwards")) {
            throw invalid("direction must be forwards or backwards");
        }
        boolean forwards = "forwards".equals(direction);
        int limit = DEFAULT_LIMIT;
        String l = ctx.request().getParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw invalid("limit must be from 1 to " + MAX_LIMIT);
            }
        }
        Long start = millis(ctx.request().getParam("start"), "start");
        Long end = millis(ctx.request().getParam("end"), "end");
        if (start != null && end != null && start > end) {
            throw invalid("start must not be after end");
        }
        Position until = position(ctx.request().getParam("from_serial"), "from_serial");
        Position cursor = position(ctx.request().getParam(forwards ? "since" : "before"), forwards ? "since" : "before");
        return new Query(forwards, Math.min(limit, maxLimit), start, end, until, cursor);
    }

    private static Long millis(String raw, String name) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw invalid(name + " must be milliseconds since the epoch");
        }
    }

    private static Position position(String raw, String name) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Position.decode(raw);
        } catch (ChorusException e) {
            throw invalid(name + " is not a Chorus position (a serial this gateway gave)");
        }
    }

    private static AblyRefusal invalid(String message) {
        return new AblyRefusal(AblyError.of(AblyCode.INVALID_PARAMETER_VALUE, message));
    }
}
