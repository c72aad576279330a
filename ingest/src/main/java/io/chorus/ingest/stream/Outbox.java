package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Effects;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One command's effects, held until it succeeds (like {@link StagedKv}'s writes), then written in order. */
final class Outbox implements Effects {

    record Message(String channel, ObjectNode body) {
    }

    record Audit(String activity, int round, ObjectNode response) {
    }

    final Set<String> changed = new LinkedHashSet<>();
    final List<Message> messages = new ArrayList<>();
    final List<Audit> audits = new ArrayList<>();
    final List<String> forgotten = new ArrayList<>();

    @Override
    public void changed(String channel) {
        changed.add(channel);
    }

    @Override
    public void send(String channel, ObjectNode message) {
        messages.add(new Message(channel, message));
    }

    @Override
    public void audit(String activity, int round, ObjectNode response) {
        audits.add(new Audit(activity, round, response));
    }

    @Override
    public void forget(String prefix) {
        // A rule bug must not wipe a whole event: at least CODE|part|name| (the handler error path
        // then discards the command).
        if (!prefix.endsWith("|") || prefix.split("\\|").length < 3) {
            throw new IllegalArgumentException("not a prefix to forget: " + prefix);
        }
        forgotten.add(prefix);
    }

    void clear() {
        changed.clear();
        messages.clear();
        audits.clear();
        forgotten.clear();
    }
}
