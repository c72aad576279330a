package io.chorus.ingest.engage.social;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;

/**
 * Counts what the social rules accepted ({@code chorus_ingest_social_total{event}}); refusals are
 * counted by the runtime per error code. A replayed transaction may count twice: these are rates to
 * watch, not results (results come from the state).
 */
public final class SocialMetrics {

    /** The counted events; a fixed set, so the tag's values are bounded. */
    public enum Event {
        QUESTION_ASKED, QUESTION_MODERATED, UPVOTE_CHANGED, CHAT_SENT, CHAT_FILTERED, CHAT_DELETED,
        CHAT_RECORD_EVICTED, PARTICIPANT_BANNED, PARTICIPANT_UNBANNED, SLOW_MODE_SET, REACTION,
        SLIDE_SHOWN, BREAKOUT_OPENED, BREAKOUT_CLOSED, ROOM_ASSIGNED
    }

    private final EnumMap<Event, Counter> counters = new EnumMap<>(Event.class);

    public SocialMetrics(MeterRegistry registry) {
        for (Event e : Event.values()) {
            counters.put(e, Counter.builder("chorus.ingest.social")
                    .description("Accepted social commands and their consequences (Q&A, chat, reactions, slides, breakouts)")
                    .tag("event", e.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
    }

    public void count(Event e) {
        counters.get(e).increment();
    }

    public void count(Event e, long n) {
        counters.get(e).increment(n);
    }
}
