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

    /**
     * The HttpClient made when the application gives none: HTTP/1.1, because java.net.http otherwise
     * asks an {@code http://} server for an h2c upgrade and, after one, sometimes loses an answer longer
     * than one HTTP/2 frame (gateway/README.md, "HTTP/2"). A pod does not upgrade unless {@code http.h2c}
     * is on; this keeps the SDK safe when one does, and against any other server.
     */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

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
