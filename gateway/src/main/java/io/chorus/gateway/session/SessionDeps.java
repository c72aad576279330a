package io.chorus.gateway.session;

import io.chorus.gateway.admission.Admission;
import io.chorus.gateway.admission.Connections;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.gateway.presence.PresenceService;
import io.chorus.gateway.publish.Publisher;
import io.chorus.gateway.subscription.SubscriptionService;
import java.time.Clock;

/**
 * What a {@link Session} and the transports that open one use, and nothing else (no Kafka readers, no
 * cache, no readiness): built once per pod by {@code Gateway}; each part is thread-safe.
 */
public record SessionDeps(GatewayConfig config, Clock clock, GatewayMetrics metrics, Connections connections,
                          Admission admission, SubscriptionService subscriptions, PresenceService presence,
                          Publisher publisher, Authenticator auth) {
}
