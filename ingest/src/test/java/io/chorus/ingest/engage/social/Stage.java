package io.chorus.ingest.engage.social;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Renderer;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.chat.ChatFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * One event on a stage: the social rules over a {@link CountingKv}, a {@link RecordingEffects}, and
 * commands dispatched by type the way the runtime does. Time is the commands' timestamps only.
 */
public final class Stage {

    public static final String CODE = "ABC234";
    public final ObjectMapper json = new ObjectMapper();
    public final CountingKv kv = new CountingKv();
    public final RecordingEffects effects = new RecordingEffects();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final Limits limits;
    private final SocialRules rules;
    private final Map<String, Handler> byType = new HashMap<>();
    private int ids;

    public Stage() {
        this(Limits.defaults(), SocialConfig.defaults());
    }

    public Stage(Limits limits, SocialConfig config) {
        this(limits, config, null);
    }

    public Stage(Limits limits, SocialConfig config, ChatFilter filter) {
        this.limits = limits;
        this.rules = filter == null ? new SocialRules(config, registry) : new SocialRules(config, filter, registry);
        rules.handlers().forEach(h -> h.types().forEach(t -> byType.put(t, h)));
    }

    /** Creates the event as the lifecycle rules would (defaults of the shared keys), plus {@code extra}. */
    public Stage event(String extra) {
        ObjectNode ev = obj("{\"code\":\"" + CODE + "\",\"title\":\"Keynote\",\"createdAt\":1,\"current\":null}");
        ev.setAll(obj(extra));
        kv.put(EventSettings.key(CODE), ev);
        return this;
    }

    public Stage event() {
        return event("{}");
    }

    /** Records a joined participant as {@code participant.join} would. */
    public Stage join(String pid, String name) {
        kv.put(Participants.key(CODE, pid), obj("{\"name\":\"" + name + "\",\"joinedAt\":1}"));
        return this;
    }

    public Command command(Role role, String pid, long ts, String body) {
        return command(role, pid, "c-" + (++ids), ts, body);
    }

    public Command command(Role role, String pid, String id, long ts, String body) {
        ObjectNode b = obj(body);
        return new Command(CODE, role, pid, id, ts, b.path("type").asText(), b);
    }

    /** Applies a participant's command; returns its id. */
    public String as(String pid, long ts, String body) {
        return apply(command(Role.PARTICIPANT, pid, ts, body));
    }

    public String staff(Role role, long ts, String body) {
        return apply(command(role, "staff-" + role.name().toLowerCase(java.util.Locale.ROOT), ts, body));
    }

    public String apply(Command c) {
        Handler h = byType.get(c.type());
        assertNotNull(h, "no handler for " + c.type());
        h.apply(c, new Engagement(kv, effects, limits, json, c.timestamp()));
        return c.id();
    }

    /**
     * Applies a command that must be refused with {@code error}, proving it wrote nothing and caused
     * nothing; returns the refusal.
     */
    public Refusal refused(EngageError error, Command c) {
        long before = kv.writes();
        long caused = effects.count();
        Refusal r = assertThrows(Refusal.class, () -> apply(c));
        assertEquals(error, r.error(), r.getMessage());
        assertEquals(before, kv.writes(), "a refused command wrote state");
        assertEquals(caused, effects.count(), "a refused command caused effects");
        return r;
    }

    public Refusal refused(EngageError error, String pid, long ts, String body) {
        return refused(error, command(Role.PARTICIPANT, pid, ts, body));
    }

    /** The snapshot of {@code channel} by the first renderer that owns it. */
    public ObjectNode render(String channel) {
        for (Renderer r : rules.renderers()) {
            ObjectNode out = r.render(channel, new Engagement(kv, effects, limits, json, 0));
            if (out != null) {
                return out;
            }
        }
        return null;
    }

    public double counted(SocialMetrics.Event e) {
        return registry.counter("chorus.ingest.social", "event", e.name().toLowerCase(java.util.Locale.ROOT)).count();
    }

    /** Asserts {@code actual} is the JSON {@code expected}, whatever numeric node types each holds. */
    public void assertJson(String expected, com.fasterxml.jackson.databind.JsonNode actual) {
        try {
            assertEquals(json.readTree(expected), json.readTree(actual.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(expected, e);
        }
    }

    public ObjectNode obj(String text) {
        try {
            return (ObjectNode) json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Limits with a few fields changed, for bound tests. */
    public static Limits limits(int qaQuestions, int rooms, int reactionsPerWindow, long reactionWindowMs) {
        Limits d = Limits.defaults();
        return new Limits(d.commandBytes(), d.textChars(), d.questionChars(), d.chatChars(), d.options(),
                d.quizQuestions(), d.activities(), qaQuestions, rooms, d.participants(), d.wordsPerEntry(),
                reactionsPerWindow, reactionWindowMs);
    }
}
