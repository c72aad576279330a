package io.chorus.bench.publish;

/**
 * Where and what to publish. {@code endpoint} is the Kafka bootstrap servers (Chorus), the Redis
 * {@code host:port} (Socket.IO) or the nginx {@code host:port} (Nchan). Channel {@code c} is
 * {@code prefix + c}; payloads are {@code payloadBytes} of JSON.
 */
public record PublishTarget(String target, String endpoint, String prefix, int channels, int payloadBytes,
                            int lingerMs, int partitions) {

    public String channel(int c) {
        return prefix + c;
    }

    String host() {
        return endpoint.substring(0, endpoint.lastIndexOf(':'));
    }

    int port() {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
