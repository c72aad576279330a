package io.chorus.ingest.engage.social.chat;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlockedWordsTest {

    private final BlockedWords filter = new BlockedWords(List.of("Darn", "free money", "  "));

    @Test
    void aBlockedWordMatchesInAnyCaseAndBesidePunctuation() {
        assertNotNull(filter.check("darn"));
        assertNotNull(filter.check("Oh DARN!"));
        assertNotNull(filter.check("(darn)"));
    }

    @Test
    void aWordThatOnlyContainsABlockedWordPasses() {
        assertNull(filter.check("darned socks"));
        assertNull(filter.check("undarn"));
    }

    @Test
    void aPhraseMatchesAsConsecutiveWordsOnly() {
        assertNotNull(filter.check("get FREE   money now"));
        assertNotNull(filter.check("free-money"));
        assertNull(filter.check("free the money"));
        assertNull(filter.check("free"));
    }

    @Test
    void fullWidthLettersAreNormalizedBeforeMatching() {
        assertNotNull(filter.check("ｄａｒｎ"));
    }

    @Test
    void anEmptyListPassesEverything() {
        assertNull(new BlockedWords(List.of()).check("darn"));
    }
}
