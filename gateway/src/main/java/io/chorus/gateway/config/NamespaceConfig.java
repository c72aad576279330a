package io.chorus.gateway.config;

/**
 * Options of one namespace. {@code topic} defaults to {@code chorus.<namespace>}. {@code clientPublish}
 * says whether clients (WebSocket or HTTP) may publish; later options (presence, conflation, publish
 * route through ingest) join this record.
 */
public record NamespaceConfig(String topic, boolean clientPublish) {

    public NamespaceConfig withDefaultTopic(String namespace) {
        return topic == null || topic.isBlank() ? new NamespaceConfig("chorus." + namespace, clientPublish) : this;
    }
}
