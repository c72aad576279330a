package io.chorus.client.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything a client is built with; see {@code ChorusClientBuilder} for meanings and defaults.
 * {@code scheduler} and {@code httpClient} are null when the client makes its own.
 */
public record ClientOptions(URI uri, Duration backoffInitial, Duration backoffMax, Random random,
                            Duration heartbeatMargin, Duration connectTimeout, int publishRetryLimit,
                            int maxPublishesInFlight, int maxBufferedMessages, ScheduledExecutorService scheduler,
                            Clock clock, ObjectMapper mapper, HttpClient httpClient, AuthOptions auth) {

    @Override
    public String toString() {
        return "ClientOptions[uri=" + uri + ", backoff=" + backoffInitial.toMillis() + ".." + backoffMax.toMillis()
                + "ms, heartbeatMargin=" + heartbeatMargin.toMillis() + "ms, connectTimeout="
                + connectTimeout.toMillis() + "ms, publishRetryLimit=" + publishRetryLimit
                + ", maxPublishesInFlight=" + maxPublishesInFlight + ", maxBufferedMessages=" + maxBufferedMessages
                + ", scheduler=" + (scheduler == null ? "own" : "given") + ", clock=" + clock
                + ", httpClient=" + (httpClient == null ? "own" : "given") + ", auth=" + auth + "]";
    }
}
