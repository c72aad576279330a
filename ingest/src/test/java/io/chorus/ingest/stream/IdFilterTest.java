package io.chorus.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdFilterTest {

    private static String id(int i) {
        return "2FGF4A|dedup|p-" + i + "|cmd-" + (i % 7);
    }

    @Test
    void everyAddedIdIsFoundAndFewOthersAre() {
        IdFilter f = new IdFilter(100_000, Long.MAX_VALUE);
        for (int i = 0; i < 100_000; i++) {
            f.add(id(i));
        }
        for (int i = 0; i < 100_000; i++) {
            assertTrue(f.mightContain(id(i)), id(i));
        }
        int falsePositives = 0;
        for (int i = 100_000; i < 200_000; i++) {
            if (f.mightContain(id(i))) {
                falsePositives++;
            }
        }
        // About 0.8 % at 10 bits and 7 hashes per id; 2 % would mean a hash that spreads badly.
        assertTrue(falsePositives < 2_000, falsePositives + " false positives in 100,000");
        assertFalse(f.full());
        f.add("one more");
        assertTrue(f.full());
    }

    @Test
    void itsMemoryIsBoundedWhateverItIsAskedToHold() {
        IdFilter f = new IdFilter(1L << 40, 4096);
        assertEquals(4096, f.sizeBytes());
        assertEquals(4096 * 8 / IdFilter.BITS_PER_ENTRY, f.capacity());
        assertEquals(8, new IdFilter(0, 4096).sizeBytes(), "at least one word");
    }
}
