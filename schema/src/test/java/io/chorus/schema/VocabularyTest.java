package io.chorus.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    /** Tests run in the module's directory. */
    private static final Path COMMITTED = Path.of("vocabulary.json");

    @Test
    void theCommittedVocabularyIsWhatTheEnumsWrite() throws IOException {
        assertEquals(Vocabulary.toJson(), Files.readString(COMMITTED),
                "schema/vocabulary.json differs from ErrorCode and CloseReason; from the repository root run: "
                        + Vocabulary.REGENERATE);
    }

    @Test
    void everyCloseReasonLiesInTheRangeOfItsKind() {
        for (CloseReason r : CloseReason.values()) {
            boolean inReconnect = r.code() >= CloseReason.RECONNECT_FIRST && r.code() <= CloseReason.RECONNECT_LAST;
            boolean inTerminal = r.code() >= CloseReason.TERMINAL_FIRST && r.code() <= CloseReason.TERMINAL_LAST;
            assertTrue(r.reconnect() ? inReconnect : inTerminal, r + " (" + r.code() + ") is outside its range");
            assertEquals(r, CloseReason.byCode(r.code()), "duplicate close code " + r.code());
        }
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscapedSoTheFileStaysJson() {
        assertEquals("\"say \\\"hi\\\" \\\\ then\\u000a\"", Vocabulary.quote("say \"hi\" \\ then\n"));
    }
}
