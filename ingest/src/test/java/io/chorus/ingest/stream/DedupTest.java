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
    void aFilterThatFillsUpIsRebuiltAtThePurgeAndStillFindsEveryId() {
        // A filter made for 64 ids takes 2,000: it says "maybe" to nearly everything until the purge
        // rebuilds it for what the store holds.
        Dedup dedup = new Dedup(counted, EngageTopology.json(), HOUR, 1_000_000, 64);
        for (int i = 0; i < 2_000; i++) {
            dedup.remember("E", "p-" + i, "c-1", ok(i));
        }
        for (int i = 0; i < 1_000; i++) {
            dedup.remember("E", "p-" + i, "c-old", ok(0));
        }
        assertEquals(1_001, dedup.purge(HOUR + 1, 100_000), "the ids of time 0 are past the window");
        int before = lookups.get();
        for (int i = 0; i < 2_000; i++) {
            assertNull(dedup.seen("E", "p-" + i, "c-new"));
        }
        assertTrue(lookups.get() - before < 60, (lookups.get() - before) + " lookups for 2,000 new ids");
        assertNull(dedup.seen("E", "p-0", "c-1"), "purged");
        for (int i = 1; i < 2_000; i++) {
            assertNotNull(dedup.seen("E", "p-" + i, "c-1"), "p-" + i);
        }
        for (int i = 0; i < 1_000; i++) {
            assertNull(dedup.seen("E", "p-" + i, "c-old"), "purged: p-" + i);
        }
        assertEquals(1_999, dedup.count());
    }
}
