package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client publishes on one Ably connection, and its answers (RTN7): MESSAGE becomes one session
 * {@code publish} per message, PRESENCE one {@code enter}/{@code update}/{@code leave} per presence
 * message ({@link AblyPresence}), and ANNOTATION and OBJECT are refused; each ProtocolMessage gets one
 * ACK or NACK, in {@code msgSerial} order ({@link PublishAcks}), once the session answered every request
 * made for it. Also the leaves Ably makes on its own (a detach, a clean close: RTP5a), which nobody waits for.
 *
 * <p>Bounds: at most {@code maxPendingPublishes} ProtocolMessages waiting for Kafka (more are NACKed in
 * turn; twice as many ends the connection, RTN15h), at most {@link #MAX_MESSAGES_PER_PUBLISH} messages in
 * one; the refs in flight are bounded by these and by the channels entered. Touched on the connection's
 * event loop only.
 */
final class AblyPublishFlow {

    /** Messages in one MESSAGE ProtocolMessage (Ably: 40034 beyond its own limit). */
    static final int MAX_MESSAGES_PER_PUBLISH = 100;

    /** PRESENCE: a client's enter/update or leave (ACKed); IMPLICIT_LEAVE: ours, on detach or close. */
    private enum Kind { PUBLISH, PRESENCE, PRESENCE_LEAVE, IMPLICIT_LEAVE }

    /** A request the session has yet to answer: item {@code index} of the ProtocolMessage {@code entry}. */
    private record Pending(Kind kind, String channel, PublishAcks.Entry entry, int index) {
    }

    private final AblyLink link;
    private final String connectionId;
    private final int maxPendingPublishes;
    private final AblyPresence presence;
    private final AblyMetrics metrics;
    private final MessageCodec.Publisher publisher;
    private final PublishAcks acks = new PublishAcks();
    private final Map<String, Pending> refs = new HashMap<>();
    private long nextLeave;

    AblyPublishFlow(AblyLink link, AblyFrames.Details details, int maxPendingPublishes, AblyPresence presence,
                    AblyMetrics metrics) {
        this.link = link;
        this.connectionId = details.connectionId();
        this.maxPendingPublishes = maxPendingPublishes;
        this.presence = presence;
        this.metrics = metrics;
        this.publisher = new MessageCodec.Publisher(details.clientId());
    }

    // ---- client → session ----

    /** RTL6 and RTN7: MESSAGE, one session publish per message, one ACK or NACK for the ProtocolMessage. */
    void publish(JsonNode pm) {
        take(pm, "MESSAGE", "messages", "p", this::messages);
    }

    /**
     * RTP8, RTP9, RTP10: PRESENCE, one session enter/update/leave per presence message, one ACK or NACK
     * for the ProtocolMessage, in msgSerial order with the publishes ({@link AblyPresence}).
     */
    void presence(JsonNode pm) {
        take(pm, "PRESENCE", "presence", "e", this::members);
    }

    /** One session request made for an item of a ProtocolMessage; {@code presenceAction} for the metric. */
    private record Item(Kind kind, ObjectNode frame, String presenceAction) {
    }

    /** The session requests for a ProtocolMessage's items, or a ChorusException or AblyRefusal that NACKs it. */
    private interface Reader {
        List<Item> read(JsonNode pm, String channel, long msgSerial);
    }

    /**
     * The flow shared by MESSAGE and PRESENCE: its ACK slot, then either a NACK in turn (too many waiting,
     * or what {@code reader} refused) or one session request per item, each with a ref of its own.
     */
    private void take(JsonNode pm, String action, String field, String refPrefix, Reader reader) {
        PublishAcks.Entry entry = ackable(pm, action, count(pm.get(field)));
        if (entry == null) {
            return;
        }
        long msgSerial = pm.get("msgSerial").longValue();
        String name = pm.path("channel").asText("");
        List<Item> items;
        try {
            if (acks.size() > maxPendingPublishes) {
                throw new AblyRefusal(AblyError.of(AblyCode.RATE_LIMIT_PER_CONNECTION_INBOUND, "more than "
                        + maxPendingPublishes + " publishes waiting on this connection"));
            }
            items = reader.read(pm, name, msgSerial);
        } catch (ChorusException e) {
            nack(entry, AblyError.of(AblyCode.INVALID_CHANNEL_NAME, e.getMessage()));
            return;
        } catch (AblyRefusal r) {
            nack(entry, r.error());
            return;
        }
        for (int i = 0; i < items.size() && !link.ended(); i++) {
            Item item = items.get(i);
            String ref = refPrefix + msgSerial + "." + i;
            if (item.presenceAction() != null) {
                metrics.presence(item.presenceAction());
            }
            refs.put(ref, new Pending(item.kind(), name, entry, i));
            link.toSession(ref, item.frame());
        }
    }

    /** MESSAGE's messages as session publishes, with the ids Ably gives (TM2a: connectionId:msgSerial:index). */
    private List<Item> messages(JsonNode pm, String channel, long msgSerial) {
        JsonNode list = pm.get("messages");
        int n = count(list);
        if (n == 0) {
            throw refusal(AblyCode.BAD_REQUEST, "MESSAGE needs a non-empty messages array");
        }
        if (n > MAX_MESSAGES_PER_PUBLISH) {
            throw refusal(AblyCode.TOO_MANY_MESSAGES_IN_ONE_PUBLISH, "at most " + MAX_MESSAGES_PER_PUBLISH
                    + " messages in one publish");
        }
        if (pm.hasNonNull("params") && !pm.get("params").isEmpty()) {
            throw new AblyRefusal(AblyError.unsupported("publish params"));
        }
        ChannelName.parse(channel);
        List<Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(new Item(Kind.PUBLISH, MessageCodec.toPublish(list.get(i), channel,
                    connectionId + ':' + msgSerial + ':' + i, publisher), null));
        }
        return items;
    }

    /** PRESENCE's presence messages as the session's enter, update and leave ({@link AblyPresence#requests}). */
    private List<Item> members(JsonNode pm, String channel, long msgSerial) {
        JsonNode list = pm.get("presence");
        int n = count(list);
        if (n == 0 || n > MAX_MESSAGES_PER_PUBLISH) {
            throw refusal(AblyCode.BAD_REQUEST, "PRESENCE needs 1 to " + MAX_MESSAGES_PER_PUBLISH
                    + " presence messages");
        }
        ChannelName.parse(channel);
        List<Item> items = new ArrayList<>(n);
        for (AblyPresence.Request r : presence.requests(channel, list, msgSerial)) {
            boolean leave = r.action() == AblyPresence.LEAVE;
            items.add(new Item(leave ? Kind.PRESENCE_LEAVE : Kind.PRESENCE, r.frame(),
                    leave ? "leave" : r.action() == AblyPresence.ENTER ? "enter" : "update"));
        }
        return items;
    }

    /** Leaves this connection's member on one channel (null: all) without waiting: detach, close. */
    void leave(String channel) {
        for (ObjectNode leave : presence.leaveAll(channel)) {
            String ref = "l" + (++nextLeave);
            refs.put(ref, new Pending(Kind.IMPLICIT_LEAVE, leave.get("channel").asText(), null, 0));
            link.toSession(ref, leave);
        }
    }

    /** ANNOTATION, OBJECT: they expect an ACK or NACK (RTN7a); Chorus NACKs them in turn. */
    void refuse(JsonNode pm, AblyError error) {
        JsonNode serial = pm.get("msgSerial");
        if (serial == null || !serial.isIntegralNumber() || serial.longValue() < 0 || !acks.inOrder(serial.longValue())) {
            link.fail(error);
            return;
        }
        nack(acks.add(serial.longValue(), 1), error);
    }

    /**
     * The start shared by MESSAGE and PRESENCE (RTN7): a {@code msgSerial} above the previous one (else the
     * connection fails, RTN7b) and an ACK slot for its {@code n} items, in order; null when the connection
     * ended here (also when far more than {@code maxPendingPublishes} wait: RTN15h).
     */
    private PublishAcks.Entry ackable(JsonNode pm, String action, int n) {
        JsonNode serialNode = pm.get("msgSerial");
        if (serialNode == null || !serialNode.isIntegralNumber() || !serialNode.canConvertToLong()
                || serialNode.longValue() < 0 || !acks.inOrder(serialNode.longValue())) {
            link.fail(AblyError.of(AblyCode.PROTOCOL_ERROR, action + " needs a msgSerial above the previous one (RTN7b)"));
            return null;
        }
        PublishAcks.Entry entry = acks.add(serialNode.longValue(), Math.max(n, 1));
        if (acks.size() > 2 * maxPendingPublishes) {
            link.disconnect(new AblyError(AblyCode.RATE_LIMIT_PER_CONNECTION_INBOUND_FATAL, "far more than "
                    + maxPendingPublishes + " publishes waiting on this connection", true));
            return null;
        }
        return entry;
    }

    private static int count(JsonNode list) {
        return list != null && list.isArray() ? list.size() : 0;
    }

    private static AblyRefusal refusal(AblyCode code, String message) {
        return new AblyRefusal(AblyError.of(code, message));
    }

    // ---- session → client ----

    /** The session's answer to one of this flow's requests; false when the ref is not one of them. */
    boolean replied(String ref, String type, String position) {
        Pending p = refs.remove(ref);
        if (p == null) {
            return false;
        }
        if ("ack".equals(type) && p.kind() == Kind.PUBLISH) {
            acks.succeeded(p.entry(), p.index(), position);
            flush();
        } else if (p.kind() == Kind.PRESENCE || p.kind() == Kind.PRESENCE_LEAVE) {
            acks.succeeded(p.entry(), p.index(), null); // entered, updated, left: presence has no serials
            flush();
        }
        return true;
    }

    /** The session refused one of this flow's requests; false when the ref is not one of them. */
    boolean refused(String ref, ChorusException e) {
        Pending p = refs.remove(ref);
        if (p == null) {
            return false;
        }
        switch (p.kind()) {
            case PUBLISH -> nack(p.entry(), AblyError.from(e, true));
            case PRESENCE, PRESENCE_LEAVE -> presenceRefused(p, e);
            case IMPLICIT_LEAVE -> { } // the member goes with Chorus's grace period instead
        }
        return true;
    }

    /** A leave of a member that is not there is done (Ably's leave is idempotent); other refusals NACK. */
    private void presenceRefused(Pending p, ChorusException e) {
        if (p.kind() == Kind.PRESENCE_LEAVE && e.code() == ErrorCode.NOT_PRESENT) {
            acks.succeeded(p.entry(), p.index(), null);
            flush();
            return;
        }
        if (p.kind() == Kind.PRESENCE) {
            presence.enterFailed(p.channel());
        }
        nack(p.entry(), AblyError.from(e, true));
    }

    /** The ProtocolMessage fails (its first failure decides); its NACK goes out in turn. */
    private void nack(PublishAcks.Entry entry, AblyError error) {
        metrics.error(error.code());
        acks.failed(entry, error);
        flush();
    }

    private void flush() {
        for (ObjectNode pm : acks.ready()) {
            link.toClient(AblyFrames.text(pm));
        }
    }
}
