package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The ProtocolMessages of one connection that wait for an ACK or NACK (RTN7a), in {@code msgSerial}
 * order. The order is the point: ably-js completes every pending message up to {@code msgSerial + count}
 * on each ACK or NACK (its MessageQueue.completeMessages), so an answer may only go out once every
 * earlier one did, although Kafka may acknowledge the publishes in another order. Consecutive ACKs go
 * out as one, with a {@code res} entry (TR4s: the message serials) per ProtocolMessage. Bounded by the
 * caller ({@link #size}). Touched on the connection's event loop only.
 */
final class PublishAcks {

    /** One ProtocolMessage: its messages' serials as Kafka acknowledges them, or the error that failed it. */
    static final class Entry {
        final long msgSerial;
        final String[] serials;
        int missing;
        AblyError error;

        Entry(long msgSerial, int messages) {
            this.msgSerial = msgSerial;
            this.serials = new String[messages];
            this.missing = messages;
        }

        boolean done() {
            return error != null || missing == 0;
        }
    }

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long last = -1;

    /** False when {@code msgSerial} does not come after the last one (RTN7b: serially incrementing). */
    boolean inOrder(long msgSerial) {
        return msgSerial > last;
    }

    Entry add(long msgSerial, int messages) {
        last = msgSerial;
        Entry e = new Entry(msgSerial, messages);
        queue.add(e);
        return e;
    }

    int size() {
        return queue.size();
    }

    void succeeded(Entry e, int index, String serial) {
        if (e.error == null && e.serials[index] == null) {
            e.serials[index] = serial;
            e.missing--;
        }
    }

    /** The first failure decides: a ProtocolMessage is NACKed once, whatever its other messages did. */
    void failed(Entry e, AblyError error) {
        if (e.error == null) {
            e.error = error;
        }
    }

    /** The ACK and NACK ProtocolMessages that may go out now, in order; removes their entries. */
    List<ObjectNode> ready() {
        List<ObjectNode> out = new ArrayList<>(2);
        ObjectNode ack = null;
        while (!queue.isEmpty() && queue.peek().done()) {
            Entry e = queue.poll();
            if (e.error != null) {
                ack = null;
                ObjectNode nack = node(AblyProtocol.NACK, e.msgSerial);
                nack.put("count", 1);
                e.error.writeTo(nack);
                out.add(nack);
                continue;
            }
            if (ack == null) {
                ack = node(AblyProtocol.ACK, e.msgSerial);
                ack.put("count", 0);
                ack.putArray("res");
                out.add(ack);
            }
            ack.put("count", ack.get("count").intValue() + 1);
            ArrayNode serials = ((ArrayNode) ack.get("res")).addObject().putArray("serials");
            for (String s : e.serials) {
                serials.add(s);
            }
        }
        return out;
    }

    private static ObjectNode node(int action, long msgSerial) {
        return JsonNodeFactory.instance.objectNode().put("action", action).put("msgSerial", msgSerial);
    }
}
