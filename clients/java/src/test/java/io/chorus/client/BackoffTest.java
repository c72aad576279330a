package io.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration INITIAL = Duration.ofMillis(250);
    private static final Duration MAX = Duration.ofSeconds(10);

    @Test
    void theCeilingDoublesFromInitialUntilItReachesTheMax() {
        Backoff b = new Backoff(INITIAL, MAX, new Random(1));
        long[] expected = {250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000};
        for (int attempt = 0; attempt < expected.length; attempt++) {
            assertEquals(Duration.ofMillis(expected[attempt]), b.ceiling(attempt), "attempt " + attempt);
        }
    }

    @Test
    void theCeilingStaysAtTheMaxForAnyNumberOfAttemptsWithoutOverflow() {
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofDays(365), new Random(1));
        for (int attempt : new int[] {34, 35, 62, 63, 64, 1000, Integer.MAX_VALUE}) {
            Duration c = b.ceiling(attempt);
            assertTrue(!c.isNegative() && c.compareTo(Duration.ofDays(365)) <= 0, attempt + " -> " + c);
        }
        assertEquals(Duration.ofDays(365), b.ceiling(Integer.MAX_VALUE));
    }

    @Test
    void everyDelayIsAFullJitterDrawBetweenZeroAndTheCeiling() {
        Backoff b = new Backoff(INITIAL, MAX, new Random(7));
        for (int attempt = 0; attempt < 12; attempt++) {
            long ceiling = b.ceiling(attempt).toMillis();
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < 2000; i++) {
                long d = b.delay(attempt).toMillis();
                assertTrue(d >= 0 && d <= ceiling, "attempt " + attempt + ": " + d);
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            // Full jitter: draws reach both ends of the range, not a band around the ceiling.
            assertTrue(min < ceiling / 10, "attempt " + attempt + " min " + min);
            assertTrue(max > ceiling * 9 / 10, "attempt " + attempt + " max " + max);
        }
    }

    @Test
    void theSameSeedGivesTheSameDelaysAndAnotherSeedOthers() {
        Backoff a = new Backoff(INITIAL, MAX, new Random(42));
        Backoff b = new Backoff(INITIAL, MAX, new Random(42));
        Backoff c = new Backoff(INITIAL, MAX, new Random(43));
        Set<Boolean> sameAsOtherSeed = new HashSet<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            Duration d = a.delay(attempt);
            assertEquals(d, b.delay(attempt), "attempt " + attempt);
            sameAsOtherSeed.add(d.equals(c.delay(attempt)));
        }
        assertTrue(sameAsOtherSeed.contains(false), "another seed draws other delays");
    }

    @Test
    void nonsensicalSettingsAreRefused() {
        Random r = new Random(1);
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, MAX, r));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(MAX, INITIAL, r));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(INITIAL, MAX, r).delay(-1));
    }
}
