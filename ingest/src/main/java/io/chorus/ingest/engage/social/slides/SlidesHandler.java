package io.chorus.ingest.engage.social.slides;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.EventSettings;
import io.chorus.ingest.engage.social.Fields;
import io.chorus.ingest.engage.social.SocialMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * {@code slides.show} (presenter or host): {@code deck} (1..100 characters), {@code slide} (an index from
 * 0), optional {@code state} (an object of at most 1 KiB as JSON: a step, a video time).
 */
public final class SlidesHandler implements Handler {

    public static final int DECK_CHARS = 100;
    public static final int STATE_BYTES = 1024;

    private final SocialMetrics metrics;

    public SlidesHandler(SocialMetrics metrics) {
        this.metrics = metrics;
    }

    public static String key(String code) {
        return Kv.key(code, "slides");
    }

    @Override
    public Set<String> types() {
        return Set.of("slides.show");
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        c.require(Role.PRESENTER);
        EventSettings.of(c, ctx);
        String deck = Fields.text(c, "deck", DECK_CHARS);
        long slide = Fields.integer(c, "slide", 0, Integer.MAX_VALUE);
        JsonNode state = c.field("state");
        if (state != null && !state.isObject()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'state' must be an object");
        }
        if (state != null && bytes(state, ctx) > STATE_BYTES) {
            throw new Refusal(EngageError.TOO_LARGE, "'state' must be at most " + STATE_BYTES + " bytes as JSON");
        }
        ObjectNode slides = ctx.json().createObjectNode();
        slides.put("deck", deck);
        slides.put("slide", slide);
        slides.set("state", state == null ? ctx.json().createObjectNode() : state.deepCopy());
        slides.put("at", c.timestamp());
        ctx.kv().put(key(c.event()), slides);
        ctx.effects().changed(Channels.event(c.event()));
        metrics.count(SocialMetrics.Event.SLIDE_SHOWN);
    }

    private static int bytes(JsonNode state, Engagement ctx) {
        try {
            return ctx.json().writeValueAsString(state).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'state' is not valid JSON");
        }
    }
}
