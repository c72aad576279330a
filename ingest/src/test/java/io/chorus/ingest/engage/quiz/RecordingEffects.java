package io.chorus.ingest.engage.quiz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Effects;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Records every effect, so a test can check what a command caused and that nothing else happened. */
final class RecordingEffects implements Effects {

    record Audit(String activity, ObjectNode response) {
    }

    record Sent(String channel, ObjectNode message) {
    }

    final Set<String> changed = new LinkedHashSet<>();
    final List<Sent> sent = new ArrayList<>();
    final List<Audit> audits = new ArrayList<>();

    @Override
    public void changed(String channel) {
        changed.add(channel);
    }

    @Override
    public void send(String channel, ObjectNode message) {
        sent.add(new Sent(channel, message));
    }

    @Override
    public void audit(String activity, int round, ObjectNode response) {
        audits.add(new Audit(activity, response));
    }

    void clear() {
        changed.clear();
        sent.clear();
        audits.clear();
    }

    void assertNone() {
        assertEquals(Set.of(), changed, "changed");
        assertEquals(List.of(), sent, "sent");
        assertEquals(List.of(), audits, "audits");
    }
}
