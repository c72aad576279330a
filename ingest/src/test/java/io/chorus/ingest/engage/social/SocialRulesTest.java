package io.chorus.ingest.engage.social;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.ingest.engage.Handler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SocialRulesTest {

    @Test
    void everySocialCommandTypeHasExactlyOneHandler() {
        SocialRules rules = new SocialRules(SocialConfig.defaults(), new SimpleMeterRegistry());
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (Handler h : rules.handlers()) {
            seen.addAll(h.types());
            total += h.types().size();
        }
        assertEquals(Set.of("qa.ask", "qa.upvote", "qa.moderate", "chat.send", "chat.delete", "participant.ban",
                "participant.unban", "chat.slowmode", "react", "slides.show", "breakout.open", "breakout.close"), seen);
        assertEquals(seen.size(), total);
    }

    @Test
    void aConfigWithANonPositiveBoundIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SocialConfig(java.util.List.of(), 0, 20, 1000, 500, 0));
    }
}
