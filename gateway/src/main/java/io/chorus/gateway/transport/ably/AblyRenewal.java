package io.chorus.gateway.transport.ably;

import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.session.Session;
import io.vertx.core.Vertx;
import java.time.Clock;

/** The translator's {@link AblyTranslator.Renewal} for one connection: Ably tokens applied to its session. */
final class AblyRenewal implements AblyTranslator.Renewal {

    private final AblyTokens tokens;
    private final Session session;
    private final String clientId;
    private final String connectionId;
    private final Vertx vertx;
    private final Clock clock;
    private long expiresAtMs;

    AblyRenewal(AblyTokens tokens, Session session, Principal initial, String clientId, String connectionId,
                Vertx vertx, Clock clock) {
        this.tokens = tokens;
        this.session = session;
        this.clientId = clientId;
        this.connectionId = connectionId;
        this.vertx = vertx;
        this.clock = clock;
        this.expiresAtMs = initial.expiresAtMs();
    }

    @Override
    public Capabilities renew(String accessToken) {
        AblyTokens.Grant grant = tokens.verify(accessToken);
        String next = grant.effectiveClientId(clientId);
        if (next == null ? clientId != null : !next.equals(clientId)) {
            throw new AblyRefusal(AblyError.of(AblyCode.INCOMPATIBLE_CREDENTIALS,
                    "a renewed token must keep the connection's clientId (" + clientId + ")"));
        }
        Principal p = grant.principal(next, connectionId);
        expiresAtMs = p.expiresAtMs();
        session.renew(p);
        return p.capabilities();
    }

    @Override
    public long authDelayMs() {
        return expiresAtMs == Long.MAX_VALUE ? 0 : Math.max(0, (expiresAtMs - clock.millis()) / 2);
    }

    @Override
    public void later(long delayMs, Runnable action) {
        vertx.setTimer(Math.max(1, delayMs), id -> action.run());
    }
}
