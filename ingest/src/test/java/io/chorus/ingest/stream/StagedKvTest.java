package io.chorus.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class StagedKvTest {

    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
    private final StagedKv kv;

    StagedKvTest() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        kv = new StagedKv(store, EngageTopology.json());
    }

    private ObjectNode n(int v) {
        return EngageTopology.json().createObjectNode().put("n", v);
    }

    private List<String> scan(String prefix, int limit) {
        List<String> out = new ArrayList<>();
        kv.scan(prefix, ObjectNode.class, limit, (k, v) -> out.add(k + "=" + v.path("n").asInt()));
        return out;
    }

    @Test
    void aRenderPassDecodesAnActivityOnceAndEveryOtherTypeFreshEachTime() {
        ObjectNode definition = EngageTopology.json().createObjectNode().put("maxChoices", 1);
        kv.put("E|act|q1", new io.chorus.ingest.engage.Activity("E", "q1", "choice", "Tea?", "open", 1, definition,
                EngageTopology.json().createObjectNode(), 5));
        kv.put("E|n", n(1));
        kv.commit();
        StagedKv pass = StagedKv.renderPass(store, EngageTopology.json());
        var first = pass.get("E|act|q1", io.chorus.ingest.engage.Activity.class);
        assertEquals("Tea?", first.title());
        assertSame(first, pass.get("E|act|q1", io.chorus.ingest.engage.Activity.class));
        assertNotSame(pass.get("E|n", ObjectNode.class), pass.get("E|n", ObjectNode.class), "nodes may be written into");
        assertNotSame(kv.get("E|act|q1", io.chorus.ingest.engage.Activity.class),
                kv.get("E|act|q1", io.chorus.ingest.engage.Activity.class), "outside a pass: fresh");
        assertNull(pass.get("E|act|none", io.chorus.ingest.engage.Activity.class));
    }

    @Test
    void aRenderViewKeepsAnActivityDecodedUntilItsStoredBytesChange() {
        ObjectNode definition = EngageTopology.json().createObjectNode().put("maxChoices", 1);
        kv.put("E|act|q1", new io.chorus.ingest.engage.Activity("E", "q1", "choice", "Tea?", "open", 1, definition,
                EngageTopology.json().createObjectNode(), 5));
        kv.commit();
        ActivityMemo memo = new ActivityMemo();
        var first = StagedKv.renderView(store, EngageTopology.json(), memo).get("E|act|q1",
                io.chorus.ingest.engage.Activity.class);
        assertSame(first, StagedKv.renderView(store, EngageTopology.json(), memo).get("E|act|q1",
                io.chorus.ingest.engage.Activity.class), "another command, the same bytes");
        kv.put("E|act|q1", new io.chorus.ingest.engage.Activity("E", "q1", "choice", "Tea?", "closed", 1, definition,
                EngageTopology.json().createObjectNode(), 5));
        kv.commit();
        StagedKv view = StagedKv.renderView(store, EngageTopology.json(), memo);
        assertEquals("closed", view.get("E|act|q1", io.chorus.ingest.engage.Activity.class).state());
        assertEquals(1, memo.size());
        assertNull(view.get("E|act|none", io.chorus.ingest.engage.Activity.class));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> view.put("E|x", n(1)),
                "a render view is read-only");
    }

    @Test
    void aScanMergesStagedWritesWithTheStoreInKeyOrder() {
        kv.put("E|a|1", n(1));
        kv.put("E|a|3", n(3));
        kv.put("E|b|1", n(9));
        kv.commit();
        kv.put("E|a|2", n(2));
        kv.put("E|a|3", n(33));
        kv.put("E|a|é", n(5));
        kv.delete("E|a|1");
        assertEquals(List.of("E|a|2=2", "E|a|3=33", "E|a|é=5"), scan("E|a|", 100));
        assertEquals(List.of("E|a|2=2"), scan("E|a|", 1));
        assertNull(store.get("E|a|2"), "staged only");
        kv.discard();
        assertEquals(List.of("E|a|1=1", "E|a|3=3"), scan("E|a|", 100));
    }

    @Test
    void aCallerMayWriteWhileItScans() {
        for (int i = 0; i < 5; i++) {
            kv.put("E|x|" + i, n(i));
        }
        kv.commit();
        kv.scan("E|x|", ObjectNode.class, (k, v) -> {
            kv.delete(k);
            kv.put(k + "+", n(0));
        });
        kv.commit();
        assertEquals(List.of("E|x|0+=0", "E|x|1+=0", "E|x|2+=0", "E|x|3+=0", "E|x|4+=0"), scan("E|x|", 100));
    }
}
