package io.chorus.ingest.engage.social;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Effects;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Records every effect; tests take what they expect and end by asserting nothing else happened. */
public final class RecordingEffects implements Effects {

    public record Sent(String channel, ObjectNode message) {
    }

    private final Set<String> changed = new LinkedHashSet<>();
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private final List<ObjectNode> audits = new ArrayList<>();
    private long effects;

    @Override
    public void changed(String channel) {
        effects++;
        changed.add(channel);
    }

    @Override
    public void send(String channel, ObjectNode message) {
        effects++;
        sent.add(new Sent(channel, message.deepCopy()));
    }

    @Override
    public void audit(String activity, int round, ObjectNode response) {
        effects++;
        audits.add(response);
    }

    /** The channels marked changed since the last call, in order, then forgets them. */
    public Set<String> takeChanged() {
        Set<String> out = new LinkedHashSet<>(changed);
        changed.clear();
        return out;
    }

    /** The next message sent; fails when none was. */
    public Sent takeSent() {
        assertTrue(!sent.isEmpty(), "expected a message to be sent");
        return sent.poll();
    }

    /** Every message sent since the last take, in order. */
    public List<Sent> takeAllSent() {
        List<Sent> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }

    /** How many effects were ever caused (taken or not). */
    public long count() {
        return effects;
    }

    public void assertNothingElse() {
        assertEquals(Set.of(), changed, "unexpected changed channels");
        assertEquals(List.of(), List.copyOf(sent), "unexpected messages");
        assertEquals(List.of(), audits, "unexpected audits");
    }
}
