package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.Dispatcher;
import io.chorus.ingest.engage.Effects;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.MemoryKv;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Registry;
import io.chorus.ingest.engage.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The standard rules over a {@link MemoryKv}, with recorded effects: commands in, outcomes and snapshots out. */
final class Rules {

    static final String CODE = "ABC234";
    static final ObjectMapper JSON = new ObjectMapper();

    final MemoryKv kv = new MemoryKv();
    final List<String> changed = new ArrayList<>();
    final List<ObjectNode> audits = new ArrayList<>();
    final Registry registry;
    final Dispatcher dispatcher;
    final Limits limits;
    long time = 1_000;
    int ids;

    Rules(List<String> blocked, Limits limits) {
        this.registry = Registry.standard(io.chorus.ingest.config.ConfigLoader.defaults("unused:9092").engage()
                .withBlockedWords(blocked), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        this.dispatcher = new Dispatcher(registry);
        this.limits = limits;
        host("{\"type\":\"event.create\",\"title\":\"Test\"}");
    }

    Rules() {
        this(List.of(), Limits.defaults());
    }

    private final Effects effects = new Effects() {
        @Override
        public void changed(String channel) {
            changed.add(channel);
        }

        @Override
        public void send(String channel, ObjectNode message) {
            throw new AssertionError("polls send nothing directly");
        }

        @Override
        public void audit(String activity, int round, ObjectNode response) {
            audits.add(response);
        }
    };

    /** Applies a command; returns "ok" or the refusal's code. */
    String apply(Role role, String participant, String json) {
        time += 10;
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(json);
            Command c = new Command(CODE, role, participant, "c" + (++ids), time, body.path("type").asText(), body);
            dispatcher.apply(c, ctx());
            return "ok";
        } catch (Refusal r) {
            return r.error().code();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String host(String json) {
        return apply(Role.HOST, "host", json);
    }

    String moderator(String json) {
        return apply(Role.MODERATOR, "mod", json);
    }

    String vote(String participant, String activity, int round, String fields) {
        return apply(Role.PARTICIPANT, participant, "{\"type\":\"poll.vote\",\"activity\":\"" + activity
                + "\",\"round\":" + round + "," + fields + "}");
    }

    /** Creates and opens an activity; fails the test if either is refused. */
    void open(String createFields) {
        String created = host("{\"type\":\"activity.create\"," + createFields + "}");
        if (!created.equals("ok")) {
            throw new AssertionError("create refused: " + created);
        }
        String activity = createFields.replaceAll(".*\"activity\":\"([^\"]+)\".*", "$1");
        String opened = host("{\"type\":\"activity.open\",\"activity\":\"" + activity + "\"}");
        if (!opened.equals("ok")) {
            throw new AssertionError("open refused: " + opened);
        }
    }

    ObjectNode snapshot(String activity) {
        return registry.render("engage:" + CODE + ":a:" + activity, ctx());
    }

    ObjectNode results(String activity) {
        return (ObjectNode) snapshot(activity).get("results");
    }

    ObjectNode you(String participant) {
        return registry.render("engage-me:" + CODE + ":" + participant, ctx());
    }

    Engagement ctx() {
        return new Engagement(kv, effects, limits, JSON, time);
    }
}
