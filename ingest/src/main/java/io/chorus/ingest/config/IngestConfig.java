package io.chorus.ingest.config;

/** The whole ingest configuration; ingest/README.md documents every field. */
public record IngestConfig(KafkaConfig kafka, TopicsConfig topics, EngageConfig engage) {

    public IngestConfig withKafka(KafkaConfig k) {
        return new IngestConfig(k, topics, engage);
    }

    public IngestConfig withEngage(EngageConfig e) {
        return new IngestConfig(kafka, topics, e);
    }
}
