package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Effects;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Registry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conflation: a change marks its channel dirty in the store ({@code #dirty|CHANNEL}); every publish
 * interval each dirty channel is rendered once from the current state and written. Many votes in an
 * interval make one snapshot. The marks live in the store, so a crash between a change and its snapshot
 * loses neither (they commit together). A copy of the marks is kept in memory (read from the store once,
 * after restoration): a channel already marked is not written again (a vote storm marks its poll's channel
 * once per interval, not once per vote), and a publish needs no store scan. The copy holds no more than
 * the store's marks, which a publish drains.
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

    /** Null until first used: by then the task's store is restored. */
    private Set<String> dirty;
    private final ActivityMemo activities = new ActivityMemo();

    void markChanged(String channel) {
        if (marks().add(channel)) {
            store.put(DIRTY + channel, MARK);
        }
    }

    private Set<String> marks() {
        if (dirty == null) {
            dirty = new LinkedHashSet<>();
            try (KeyValueIterator<String, byte[]> it = store.prefixScan(DIRTY, KEYS)) {
                while (it.hasNext()) {
                    dirty.add(it.next().key.substring(DIRTY.length()));
                }
            }
        }
        return dirty;
    }

    /** True when some channel changed since the last publish. */
    boolean changed() {
        return !marks().isEmpty();
    }

    /**
     * Renders and writes every dirty channel; {@code now} is the wall clock (deadlines passing). Returns
     * the snapshots written.
     */
    int publish(long now) {
        Set<String> marks = marks();
        if (marks.isEmpty()) {
            return 0;
        }
        int written = 0;
        List<String> channels = new ArrayList<>(marks);
        marks.clear();
        // One pass renders many channels from the same few keys (every participant's `you` reads the
        // event and its activities): the pass remembers what it read. It writes only marks and seqs.
        Engagement ctx = new Engagement(StagedKv.renderPass(store, json), READ_ONLY, limits, json, now);
        for (String channel : channels) {
            StagedKv.erase(store, DIRTY + channel);
            if (render(channel, ctx, now)) {
                written++;
            }
        }
        return written;
    }

    /**
     * Renders and writes {@code channel} now, without a mark: a participant's own {@code you} after their
     * command, in the command's transaction. A mark for it would be a store write and, at the next publish,
     * a delete: one or two changelog records per vote for a snapshot that the sender's next command (rate
     * limited) would conflate with nothing. A channel also marked by someone else's command is still
     * published with the pass, from the newer state.
     */
    void publishNow(String channel, long now) {
        render(channel, new Engagement(StagedKv.renderView(store, json, activities), READ_ONLY, limits, json, now),
                now);
    }

    private boolean render(String channel, Engagement ctx, long now) {
        try {
            ObjectNode snapshot = registry.render(channel, ctx);
            if (snapshot != null) {
                outputs.snapshot(channel, snapshot, now);
                return true;
            }
        } catch (RuntimeException e) {
            LOG.warn("snapshot of {} failed to render; skipped until it changes again", channel, e);
            metrics.renderError();
        }
        return false;
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
        public void audit(String activity, int round, ObjectNode response) {
            throw new IllegalStateException("a renderer may not audit");
        }

        @Override
        public void forget(String prefix) {
            throw new IllegalStateException("a renderer may not forget " + prefix);
        }
    };
}
