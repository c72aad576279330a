package io.chorus.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The command-id memory over a real (in-memory) store, with the store's lookups counted. */
class DedupTest {

    private static final long HOUR = 3_600_000;
    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicInteger scans = new AtomicInteger();
    private final KeyValueStore<String, byte[]> counted;

    @SuppressWarnings("unchecked")
    DedupTest() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        counted = (KeyValueStore<String, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        lookups.incrementAndGet();
                    }
                    if (method.getName().equals("prefixScan") || method.getName().equals("range")
                            || method.getName().equals("all")) {
                        scans.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Dedup.Outcome ok(long at) {
        return new Dedup.Outcome(at, true, null, null, 0);
    }

    @Test
    void aNewIdIsAnsweredWithoutAStoreLookupAndARememberedOneFromTheStore() {
        Dedup dedup = new Dedup(counted, EngageTopology.json(), HOUR, 1_000_000);
        for (int i = 0; i < 1_000; i++) {
            assertNull(dedup.seen("E", "p-" + i, "c-1"));
            dedup.remember("E", "p-" + i, "c-1", ok(i));
        }
        int before = lookups.get();
        for (int i = 0; i < 1_000; i++) {
            assertNull(dedup.seen("E", "p-" + i, "c-2"));
        }
        // Only the filter's false positives (about 1 %, none expected at this fill) reach the store.
        assertTrue(lookups.get() - before < 20, (lookups.get() - before) + " lookups for 1,000 new ids");
        before = lookups.get();
        for (int i = 0; i < 1_000; i++) {
            Dedup.Outcome first = dedup.seen("E", "p-" + i, "c-1");
            assertNotNull(first, "p-" + i);
            assertEquals(i, first.at());
        }
        assertEquals(1_000, lookups.get() - before);
    }

    @Test
    void idsRememberedBeforeATaskStartsAreFoundByItsNewFilter() {
        Dedup first = new Dedup(store, EngageTopology.json(), HOUR, 1_000_000);
        for (int i = 0; i < 300; i++) {
            first.remember("E", "p-" + i, "c-1", ok(i));
        }
        Dedup restarted = new Dedup(store, EngageTopology.json(), HOUR, 1_000_000);
        for (int i = 0; i < 300; i++) {
            assertNotNull(restarted.seen("E", "p-" + i, "c-1"), "p-" + i);
        }
        assertEquals(300, restarted.count());
    }

    @Test
    void aFullFilterHandsOverToANewGenerationWithoutReadingTheStoreAgain() {
        // Filters made for 64 ids take 3,000: generations of 64, 128, 256, ... ids, and the store's index
        // is scanned once, when the task starts, and then only by the purges themselves.
        Dedup dedup = new Dedup(counted, EngageTopology.json(), HOUR, 1_000_000, 64);
        for (int i = 0; i < 2_000; i++) {
            dedup.remember("E", "p-" + i, "c-1", ok(HOUR + i));
        }
        for (int i = 0; i < 1_000; i++) {
            dedup.remember("E", "p-" + i, "c-old", ok(0));
        }
        assertTrue(dedup.filterGenerations() > 3, dedup.filterGenerations() + " generations");
        assertEquals(1, scans.get(), "the index is read once, at the start");
        int before = lookups.get();
        for (int i = 0; i < 2_000; i++) {
            assertNull(dedup.seen("E", "p-" + i, "c-new"));
        }
        // Each generation's false positives (about 0.8 %) add up: under 1 % per generation.
        int generations = dedup.filterGenerations();
        assertTrue(lookups.get() - before < 20 * generations,
                (lookups.get() - before) + " lookups for 2,000 new ids with " + generations + " generations");
        for (int i = 0; i < 2_000; i++) {
            assertNotNull(dedup.seen("E", "p-" + i, "c-1"), "p-" + i);
        }
        for (int i = 0; i < 1_000; i++) {
            assertNotNull(dedup.seen("E", "p-" + i, "c-old"), "p-" + i);
        }
        assertEquals(1_000, dedup.purge(2 * HOUR, 100_000), "the ids of time 0 are past the window");
        assertEquals(2, scans.get(), "the purge's own scan, and no other");
        for (int i = 0; i < 1_000; i++) {
            assertNull(dedup.seen("E", "p-" + i, "c-old"), "purged: p-" + i);
        }
        for (int i = 0; i < 2_000; i++) {
            assertNotNull(dedup.seen("E", "p-" + i, "c-1"), "p-" + i);
        }
        assertEquals(2_000, dedup.count());
        assertEquals(2, scans.get(), "nothing rebuilt from the store after the purge");
    }

    @Test
    void aGenerationGoesOnceThePurgeHasForgottenAllOfItsIds() {
        Dedup dedup = new Dedup(counted, EngageTopology.json(), HOUR, 1_000_000, 64);
        for (int i = 0; i < 1_000; i++) {
            dedup.remember("E", "p-" + i, "c-1", ok(i));
        }
        int full = dedup.filterGenerations();
        assertTrue(full > 3, full + " generations");
        // Forgets the ids of times 0 to 499 (the window ends at 500): the generations that hold only
        // those go; the one that also holds later ids stays and still finds them.
        assertEquals(500, dedup.purge(HOUR + 500, 100_000));
        assertTrue(dedup.filterGenerations() < full, dedup.filterGenerations() + " of " + full);
        for (int i = 500; i < 1_000; i++) {
            assertNotNull(dedup.seen("E", "p-" + i, "c-1"), "p-" + i);
        }
        for (int i = 0; i < 500; i++) {
            assertNull(dedup.seen("E", "p-" + i, "c-1"), "purged: p-" + i);
        }
        // A purge bounded per run keeps every generation that may hold an id it has not reached.
        assertEquals(100, dedup.purge(HOUR + 1_000, 100));
        for (int i = 600; i < 1_000; i++) {
            assertNotNull(dedup.seen("E", "p-" + i, "c-1"), "p-" + i);
        }
        assertEquals(400, dedup.purge(HOUR + 1_000, 100_000));
        assertEquals(1, dedup.filterGenerations(), "the newest stays, to take the next ids");
        dedup.remember("E", "p-x", "c-2", ok(HOUR + 2_000));
        assertNotNull(dedup.seen("E", "p-x", "c-2"));
    }
}
