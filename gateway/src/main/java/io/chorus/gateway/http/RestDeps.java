package io.chorus.gateway.http;

import io.chorus.gateway.admission.Admission;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.feed.CatchupReader;
import io.chorus.gateway.feed.MessageCache;
import io.chorus.gateway.feed.TopicCatalog;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.gateway.presence.PresenceService;
import io.chorus.gateway.publish.Publisher;
import io.chorus.gateway.subscription.SubscriptionService;

/**
 * What the REST API (history, publish, presence and occupancy reads) uses, and nothing else: built
 * once per pod by {@code Gateway}; each part is thread-safe.
 */
public record RestDeps(GatewayConfig config, Authenticator auth, SubscriptionService subscriptions,
                       TopicCatalog catalog, MessageCache cache, CatchupReader catchup, Publisher publisher,
                       Admission admission, PresenceService presence, GatewayMetrics metrics) {
}
