package io.chorus.ingest.api;

import io.chorus.kafka.embedded.TestKafka;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Join API configs on the test JVM's broker, each test class with topics of its own. */
final class ApiFixture {

    /** The gateway's dev secret, so the gateway's dev config verifies what the API signs. */
    static final String SECRET = "chorus-dev-secret-do-not-use-in-production";
    static final String ADMIN_KEY = "admin-key-for-tests-0123456789";
    private static final AtomicInteger N = new AtomicInteger();

    private ApiFixture() {
    }

    /** Production-style (admin key required), port 0, fresh topics created by the API. */
    static ApiConfig config() {
        String s = "t" + N.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 1_000_000, 36);
        ApiConfig.Topics t = new ApiConfig.Topics("engage-events-" + s, "engage-ctl-" + s, "engage-audit-" + s,
                true, 3, (short) 1);
        return ApiConfig.defaults(TestKafka.bootstrapServers(), SECRET, ADMIN_KEY, "http://demo.test/")
                .withPort("127.0.0.1", 0).withTopics(t);
    }

    static PrometheusMeterRegistry metrics() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
}
