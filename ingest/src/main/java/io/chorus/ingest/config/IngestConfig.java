package io.chorus.ingest.config;

import io.chorus.ingest.api.ApiConfig;

/**
 * The whole ingest configuration; ingest/README.md documents every field, README-api.md the {@code api}
 * section (the join API's HTTP server, which takes Kafka and its topics from the sections above).
 */
public record IngestConfig(KafkaConfig kafka, TopicsConfig topics, EngageConfig engage, ApiConfig api) {

    public IngestConfig withKafka(KafkaConfig k) {
        return new IngestConfig(k, topics, engage, api);
    }

    public IngestConfig withEngage(EngageConfig e) {
        return new IngestConfig(kafka, topics, e, api);
    }
}
