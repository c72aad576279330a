package io.chorus.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A display: subscribed with {@code rewind: 1} to the event, the poll, the quiz and the Q&A snapshots on
 * one gateway. It keeps the latest snapshot per channel and reports any whose {@code seq} is not above
 * the one before (a screen must never go back in time, crash or not).
 */
final class Screen {

    static final Map<String, String> CHANNELS = new LinkedHashMap<>();

    static {
        String code = ExactlyOnceUnderFaultsTest.CODE;
        CHANNELS.put("event", "engage:" + code);
        CHANNELS.put("poll", "engage:" + code + ":a:poll");
        CHANNELS.put("quiz", "engage:" + code + ":a:quiz");
        CHANNELS.put("qa", "engage:" + code + ":qa");
    }

    final int gateway;
    private final ExactlyOnceUnderFaultsTest test;
    private final Map<String, ObjectNode> latest = new ConcurrentHashMap<>();

    private Screen(ExactlyOnceUnderFaultsTest test, int gateway) {
        this.test = test;
        this.gateway = gateway;
    }

    static Screen open(ExactlyOnceUnderFaultsTest test, int gateway) throws Exception {
        Screen s = new Screen(test, gateway);
        Wire wire = Wire.connect(test.client(), test.port(gateway),
                test.tokens().host(ExactlyOnceUnderFaultsTest.CODE, "h-screen"), s::onMessage).get(30, TimeUnit.SECONDS);
        for (String channel : CHANNELS.values()) {
            wire.subscribe(channel, null, true).get(30, TimeUnit.SECONDS);
        }
        return s;
    }

    private void onMessage(JsonNode frame) {
        String channel = frame.path("channel").asText();
        String name = CHANNELS.entrySet().stream().filter(e -> e.getValue().equals(channel)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        if (name == null || !(frame.get("data") instanceof ObjectNode data)) {
            test.problem("screen " + gateway + ": unexpected " + frame);
            return;
        }
        ObjectNode before = latest.get(name);
        if (before != null && data.path("seq").asLong() <= before.path("seq").asLong()) {
            test.problem("screen " + gateway + ": " + channel + " seq " + data.path("seq") + " after "
                    + before.path("seq"));
        }
        latest.put(name, data);
    }

    /** The latest snapshot of a channel ({@code event}, {@code poll}, {@code quiz}, {@code qa}); empty before any. */
    ObjectNode latest(String name) {
        ObjectNode n = latest.get(name);
        return n == null ? Wire.JSON.createObjectNode() : n;
    }
}
