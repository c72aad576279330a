package io.chorus.gateway.config;

/**
 * Options of one namespace. {@code topic} defaults to {@code chorus.<namespace>}. {@code clientPublish}
 * says whether clients (WebSocket or HTTP) may publish. {@code conflate} marks state-like channels
 * (scores, tallies, positions): a subscriber that falls behind or asks for a {@code maxRate} gets the
 * latest message per channel, or per value of the data field {@code conflateKey}, keeping at most
 * {@code conflateMaxKeys} keys per subscriber. {@code partitioner}: the one the namespace's backends
 * produce with (murmur2, the Java client's default, when absent). Later options (presence, publish route
 * through ingest) join this record.
 */
public record NamespaceConfig(String topic, boolean clientPublish, boolean conflate, String conflateKey,
                              int conflateMaxKeys, Partitioner partitioner) {

    public NamespaceConfig {
        partitioner = partitioner == null ? Partitioner.MURMUR2 : partitioner;
    }

    public NamespaceConfig withDefaultTopic(String namespace) {
        return topic == null || topic.isBlank()
                ? new NamespaceConfig("chorus." + namespace, clientPublish, conflate, conflateKey, conflateMaxKeys,
                        partitioner)
                : this;
    }
}
