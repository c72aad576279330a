package io.chorus.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.config.NamespaceConfig;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.presence.PresenceFrames;
import io.chorus.gateway.publish.PublishInput;
import io.chorus.gateway.publish.PublishRequest;
import io.chorus.gateway.subscription.StartSpec;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.Position;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** The client requests of PROTOCOL.md: subscribe, unsubscribe, publish, ping, pong. */
final class RequestHandler {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RequestHandler.class);

    private static final int MAX_REF = 64;

    private final Session session;

    RequestHandler(Session session) {
        this.session = session;
    }

    /** One text frame: parsed, bounded, dispatched; every problem is an enumerated error frame. */
    void handle(Buffer raw) {
        int max = session.deps().config().http().maxMessageBytes();
        if (raw.length() > max) {
            session.fail(null, new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "frame is " + raw.length()
                    + " bytes; the limit is " + max));
            return;
        }
        JsonNode node;
        try {
            node = Frames.JSON.readTree(raw.getBytes());
        } catch (java.io.IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            session.fail(null, new ChorusException(ErrorCode.BAD_JSON, "a frame must be one JSON object"));
            return;
        }
        handle(node);
    }

    private void handle(JsonNode frame) {
        String ref = null;
        try {
            ref = ref(frame);
            String type = PublishInput.text(frame, "type");
            if (type == null) {
                throw new ChorusException(ErrorCode.INVALID_FIELD, "a frame needs a type");
            }
            switch (type) {
                case "subscribe" -> subscribe(ref, frame);
                case "unsubscribe" -> unsubscribe(ref, frame);
                case "publish" -> publish(ref, frame);
                case "ping" -> session.send(Out.REPLY, Frames.pong(ref));
                case "auth" -> auth(ref, frame);
                case "enter" -> enter(ref, frame, "entered");
                case "update" -> enter(ref, frame, "updated");
                case "leave" -> leave(ref, frame);
                case "presence" -> presenceRead(ref, frame);
                case "occupancy" -> occupancyRead(ref, frame);
                case "pong" -> { }
                default -> throw new ChorusException(ErrorCode.UNKNOWN_TYPE, "unknown type '" + shorten(type) + "'");
            }
        } catch (ChorusException e) {
            session.fail(ref, e);
        } catch (RuntimeException e) {
            // A bug must not leave the client waiting for a reply that never comes.
            LOG.error("request failed unexpectedly", e);
            session.fail(ref, new ChorusException(ErrorCode.INTERNAL, "unexpected server error"));
        }
    }

    private static String ref(JsonNode frame) {
        JsonNode r = frame.get("ref");
        if (r == null || r.isNull()) {
            return null;
        }
        if (!r.isTextual() || r.textValue().isEmpty() || r.textValue().length() > MAX_REF) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "ref must be a string of 1 to 64 characters");
        }
        return r.textValue();
    }

    private ChannelName channel(JsonNode frame) {
        String raw = PublishInput.text(frame, "channel");
        if (raw == null) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "channel is required");
        }
        return ChannelName.parse(raw);
    }

    private void subscribe(String ref, JsonNode frame) {
        ChannelName channel = channel(frame);
        session.deps().subscriptions().namespace(channel);
        Authenticator.require(session.principal(), channel, Operation.SUBSCRIBE);
        StartSpec spec = startSpec(frame);
        boolean presence = flag(frame, "presence");
        boolean occupancy = flag(frame, "occupancy");
        if (presence) {
            Authenticator.require(session.principal(), channel, Operation.PRESENCE);
        }
        session.rateLimit(false);
        session.channels().subscribe(ref, channel, spec, maxRate(frame), presence, occupancy);
    }

    private static double maxRate(JsonNode frame) {
        JsonNode rate = frame.get("maxRate");
        if (rate == null || rate.isNull()) {
            return 0;
        }
        if (!rate.isNumber() || rate.doubleValue() <= 0 || rate.doubleValue() > 1000) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "maxRate must be a number above 0 and at most 1000");
        }
        return rate.doubleValue();
    }

    private StartSpec startSpec(JsonNode frame) {
        JsonNode since = frame.get("since");
        JsonNode rewind = frame.get("rewind");
        boolean hasSince = since != null && !since.isNull();
        boolean hasRewind = rewind != null && !rewind.isNull();
        if (hasSince && hasRewind) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "give since or rewind, not both");
        }
        if (hasSince) {
            if (!since.isTextual()) {
                throw new ChorusException(ErrorCode.INVALID_POSITION, "since must be a position string");
            }
            return new StartSpec.Since(Position.decode(since.textValue()));
        }
        if (hasRewind) {
            int max = session.deps().config().connection().maxRewind();
            if (!rewind.isInt() || rewind.intValue() < 1 || rewind.intValue() > max) {
                throw new ChorusException(ErrorCode.INVALID_FIELD, "rewind must be an integer from 1 to " + max);
            }
            return new StartSpec.Rewind(rewind.intValue());
        }
        return new StartSpec.Live();
    }

    private void unsubscribe(String ref, JsonNode frame) {
        ChannelName channel = channel(frame);
        if (!session.channels().unsubscribe(channel)) {
            throw new ChorusException(ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + channel);
        }
        session.send(Out.REPLY, Frames.unsubscribed(ref, channel.value()));
    }

    private void publish(String ref, JsonNode frame) {
        SessionDeps s = session.deps();
        ChannelName channel = channel(frame);
        NamespaceConfig ns = s.subscriptions().namespace(channel);
        Authenticator.require(session.principal(), channel, Operation.PUBLISH);
        if (!ns.clientPublish()) {
            throw new ChorusException(ErrorCode.PUBLISH_NOT_ALLOWED, "namespace '" + channel.namespace()
                    + "' does not accept client publishes");
        }
        PublishInput input = PublishInput.from(frame, null, s.config().http().maxMessageBytes());
        session.rateLimit(true);
        if (!session.principal().anonymous()) {
            s.admission().publishBy(session.principal().clientId());
        }
        // "retry" is accepted and no longer needed: every client-chosen id is checked (Publisher).
        Future<?> done = s.subscriptions().topic(session.shard(), channel).compose(topic -> {
            PublishRequest req = new PublishRequest(channel, topic, ns.partitioner(), input.id(), input.name(),
                    input.value(), session.principal().clientId(), !input.generatedId(), session.connectionId());
            return Future.fromCompletionStage(s.publisher().publish(req), session.shard().context());
        }).onSuccess(r -> {
            s.metrics().publish("ws", r.duplicate() ? "duplicate" : "ok");
            session.send(Out.REPLY, Frames.ack(ref, channel.value(), r));
        }).onFailure(err -> {
            ChorusException e = Failures.toChorus(err);
            s.metrics().publish("ws", e.code().wireName());
            session.fail(ref, e);
        });
    }

    /**
     * Replaces the connection's token in band, without dropping subscriptions. The new token must
     * name the same client; subscriptions it no longer allows end with a forbidden error.
     */
    private void auth(String ref, JsonNode frame) {
        String token = PublishInput.text(frame, "token");
        if (token == null) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "auth needs a token");
        }
        // A new kid may wait for the identity provider's refreshed keys; the answer comes back here.
        Future.fromCompletionStage(session.deps().auth().verifyAsync(token), session.shard().context())
                .onSuccess(next -> {
                    if (session.closed()) {
                        return;
                    }
                    if (!next.clientId().equals(session.principal().clientId())) {
                        session.fail(ref, new ChorusException(ErrorCode.TOKEN_INVALID,
                                "a refreshed token must name the same client (sub)"));
                        return;
                    }
                    session.reauthenticate(next);
                    session.send(Out.REPLY, Frames.authed(ref, next.clientId(), next.expiresAtMs()));
                    session.armExpiry(); // after authed: a warning for the new token never precedes its answer
                })
                .onFailure(err -> session.fail(ref, Failures.toChorus(err)));
    }

    private static boolean flag(JsonNode frame, String field) {
        JsonNode v = frame.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, field + " must be true or false");
        }
        return v.booleanValue();
    }

    /** enter and update: both set the connection's member data on the channel (update enters). */
    private void enter(String ref, JsonNode frame, String reply) {
        ChannelName channel = channel(frame);
        session.deps().subscriptions().namespace(channel);
        Authenticator.require(session.principal(), channel, Operation.PRESENCE);
        JsonNode data = frame.get("data");
        if (data == null) {
            data = com.fasterxml.jackson.databind.node.NullNode.instance;
        }
        session.rateLimit(true);
        presenceReply(ref, session.channels().enter(channel, data), reply, channel);
    }

    private void leave(String ref, JsonNode frame) {
        ChannelName channel = channel(frame);
        presenceReply(ref, session.channels().leave(channel), "left", channel);
    }

    private void presenceReply(String ref, java.util.concurrent.CompletableFuture<Void> done, String reply,
                               ChannelName channel) {
        Future.fromCompletionStage(done, session.shard().context())
                .onSuccess(v -> session.send(Out.REPLY, Frames.presenceDone(reply, ref, channel.value())))
                .onFailure(err -> session.fail(ref, Failures.toChorus(err)));
    }

    private void presenceRead(String ref, JsonNode frame) {
        ChannelName channel = channel(frame);
        session.deps().subscriptions().namespace(channel);
        Authenticator.require(session.principal(), channel, Operation.PRESENCE);
        var snapshot = session.deps().presence().members(channel.value());
        session.send(Out.REPLY, PresenceFrames.buffer(PresenceFrames.members("presence", ref, channel.value(), snapshot)));
    }

    private void occupancyRead(String ref, JsonNode frame) {
        ChannelName channel = channel(frame);
        session.deps().subscriptions().namespace(channel);
        Authenticator.requireOccupancy(session.principal(), channel);
        var counts = session.deps().presence().occupancy(channel.value());
        session.send(Out.REPLY, PresenceFrames.buffer(PresenceFrames.occupancy("occupancy", ref, channel.value(), counts)));
    }

    private static String shorten(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }
}
