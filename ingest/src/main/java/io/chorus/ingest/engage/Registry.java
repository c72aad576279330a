package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every rule ingest applies: the handlers by command type and the snapshot renderers. {@link #standard}
 * is the one list of what ships; a new feature adds its handler, renderer or activity kind there. A
 * command type claimed twice fails at start-up, never at the first command.
 */
public final class Registry {

    private final Map<String, Handler> handlers;
    private final List<Renderer> renderers;

    private Registry(Map<String, Handler> handlers, List<Renderer> renderers) {
        this.handlers = handlers;
        this.renderers = renderers;
    }

    /** What ingest runs: the event and activity lifecycle, the poll kinds, the quiz, and the event-level features. */
    public static Registry standard(io.chorus.ingest.config.EngageConfig engage, MeterRegistry meters) {
        List<ActivityKind> kinds = new ArrayList<>();
        kinds.addAll(io.chorus.ingest.engage.poll.Polls.kinds(engage.blockedWords()));
        kinds.add(new io.chorus.ingest.engage.quiz.QuizKind());
        var social = new io.chorus.ingest.engage.social.SocialRules(
                engage.social(), meters);
        List<Handler> handlers = new ArrayList<>(List.of(new EventHandler(), new ActivityHandler(kinds)));
        handlers.addAll(social.handlers());
        List<Renderer> renderers = new ArrayList<>(List.of(new EventRenderer(), new ActivityRenderer(kinds),
                new YouRenderer(kinds)));
        renderers.addAll(social.renderers());
        return of(handlers, renderers);
    }

    public static Registry of(List<Handler> handlers, List<Renderer> renderers) {
        Map<String, Handler> byType = new LinkedHashMap<>();
        for (Handler h : handlers) {
            for (String type : h.types()) {
                Handler before = byType.putIfAbsent(type, h);
                if (before != null) {
                    throw new IllegalStateException("command type '" + type + "' is claimed by both "
                            + before.getClass().getName() + " and " + h.getClass().getName());
                }
            }
        }
        return new Registry(byType, List.copyOf(renderers));
    }

    /** The handler of a command type, or null. */
    public Handler handler(String type) {
        return handlers.get(type);
    }

    public Set<String> types() {
        return handlers.keySet();
    }

    /** The snapshot of a channel from the first renderer that owns it, or null when none does. */
    public ObjectNode render(String channel, Engagement ctx) {
        for (Renderer r : renderers) {
            ObjectNode snapshot = r.render(channel, ctx);
            if (snapshot != null) {
                return snapshot;
            }
        }
        return null;
    }
}
