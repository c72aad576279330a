package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Effects;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Registry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conflation: a change marks its channel dirty in the store ({@code #dirty|CHANNEL}); every publish
 * interval each dirty channel is rendered once from the current state and written. Many votes in an
 * interval make one snapshot. The marks live in the store, so a crash between a change and its snapshot
 * loses neither (they commit together).
 */
final class Snapshots {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    private static final String DIRTY = "#dirty|";
    private static final byte[] MARK = new byte[] {'1'};
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> store;
    private final ObjectMapper json;
    private final Registry registry;
    private final Outputs outputs;
    private final Limits limits;
    private final IngestMetrics metrics;

    Snapshots(KeyValueStore<String, byte[]> store, ObjectMapper json, Registry registry, Outputs outputs,
              Limits limits, IngestMetrics metrics) {
        this.store = store;
        this.json = json;
        this.registry = registry;
        this.outputs = outputs;
        this.limits = limits;
        this.metrics = metrics;
    }

    void markChanged(String channel) {
        store.put(DIRTY + channel, MARK);
    }

    /** Renders and writes every dirty channel; {@code now} is the wall clock (deadlines passing). */
    void publish(long now) {
        List<String> dirty = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(DIRTY, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                dirty.add(e.key);
            }
        }
        Engagement ctx = new Engagement(new StagedKv(store, json), READ_ONLY, limits, json, now);
        for (String key : dirty) {
            store.delete(key);
            String channel = key.substring(DIRTY.length());
            try {
                ObjectNode snapshot = registry.render(channel, ctx);
                if (snapshot != null) {
                    outputs.snapshot(channel, snapshot, now);
                }
            } catch (RuntimeException e) {
                LOG.warn("snapshot of {} failed to render; skipped until it changes again", channel, e);
                metrics.renderError();
            }
        }
    }

    /** Renderers only read: an effect while rendering is a bug, refused loudly. */
    private static final Effects READ_ONLY = new Effects() {
        @Override
        public void changed(String channel) {
            throw new IllegalStateException("a renderer may not change " + channel);
        }

        @Override
        public void send(String channel, ObjectNode message) {
            throw new IllegalStateException("a renderer may not send to " + channel);
        }

        @Override
        public void audit(String activity, ObjectNode response) {
            throw new IllegalStateException("a renderer may not audit");
        }

        @Override
        public void forget(String prefix) {
            throw new IllegalStateException("a renderer may not forget " + prefix);
        }
    };
}
