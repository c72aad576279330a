package io.chorus.schema;

/**
 * How a backend writes to a channel with any Kafka client: key = channel name (UTF-8), value = payload
 * (JSON is delivered as JSON; any other bytes are delivered base64 with {@code encoding: "base64"}),
 * optional headers {@value #HEADER_NAME} (event name) and {@value #HEADER_ID} (message id, used to
 * drop retried publishes). Partition = the client's default partitioner on the key: murmur2 (Kafka's
 * Java client) unless the namespace is configured {@code partitioner: crc32} (librdkafka's default);
 * the gateway applies the namespace's.
 */
public final class RecordConvention {

    public static final String HEADER_NAME = "chorus-name";
    public static final String HEADER_ID = "chorus-id";
    /** Set by the gateway on client publishes: the id of the connection or API client that published. */
    public static final String HEADER_CLIENT = "chorus-client";
    /** Set by the gateway on publishes over a connection (WebSocket, Ably): that connection's id. */
    public static final String HEADER_CONNECTION = "chorus-connection";
    public static final int MAX_HEADER_BYTES = 256;

    private RecordConvention() {
    }
}
