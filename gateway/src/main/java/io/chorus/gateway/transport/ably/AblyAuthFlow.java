package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Token renewal on a live connection, in the translator's terms. The client renews with AUTH
 * ({@code auth.accessToken}, RTC8a): the token is verified and must keep the connection's clientId
 * (else ERROR 40102, RTC8a2); on success its capabilities replace the old ones on the same connection,
 * channels go on, and a CONNECTED confirms (RTC8a1). The server asks for a renewal with AUTH (RTN22)
 * after the session's expiry warning, at half the token's remaining life, so a short-lived token is
 * renewed before it lapses and a renewed one is not asked for again at once; a token left to expire
 * closes the connection with DISCONNECTED 40142 (the session's close, RTN15h2).
 */
final class AblyAuthFlow {

    private AblyAuthFlow() {
    }

    static void auth(AblyTranslator t, JsonNode pm) {
        AblyTranslator.Renewal renewal = t.renewal();
        if (renewal == null) {
            t.refuseAuth(AblyError.unsupported("in-band reauthentication (AUTH, RTC8)"));
            return;
        }
        JsonNode token = pm.path("auth").path("accessToken");
        if (!token.isTextual() || token.textValue().isEmpty()) {
            t.refuseAuth(AblyError.of(AblyCode.PROTOCOL_ERROR, "AUTH needs auth.accessToken (RTC8a)"));
            return;
        }
        // Supersede any AUTH scheduled for the old token first: renew() arms the new token's expiry, whose
        // warning may schedule the next AUTH at once, and that one must stand.
        t.nextAuthGeneration();
        try {
            t.renewed(renewal.renew(token.textValue()));
        } catch (AblyRefusal r) {
            t.refuseAuth(r.error());
        }
    }

    static void expiring(AblyTranslator t) {
        AblyTranslator.Renewal renewal = t.renewal();
        if (renewal == null) {
            return; // a key: nothing expires
        }
        int generation = t.nextAuthGeneration();
        renewal.later(renewal.authDelayMs(), () -> {
            if (!t.ended() && t.authGeneration() == generation) {
                t.sendAuth();
            }
        });
    }
}
