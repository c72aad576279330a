package io.chorus.gateway;

import io.chorus.gateway.admission.Admission;
import io.chorus.gateway.admission.Connections;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.feed.CatchupReader;
import io.chorus.gateway.feed.MessageCache;
import io.chorus.gateway.feed.TopicCatalog;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.gateway.presence.PresenceService;
import io.chorus.gateway.publish.Publisher;
import io.chorus.gateway.subscription.Hub;
import io.chorus.gateway.subscription.SubscriptionService;
import java.time.Clock;

/** The pod-wide parts that every connection and HTTP handler shares; each is thread-safe. */
public record Services(GatewayConfig config, Clock clock, GatewayMetrics metrics, TopicCatalog catalog,
                       MessageCache cache, CatchupReader catchup, Hub hub, SubscriptionService subscriptions,
                       Publisher publisher, Readiness readiness, Admission admission, Connections connections,
                       Authenticator auth, PresenceService presence) {
}
