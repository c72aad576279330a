package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.config.AblyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ably token auth (RSA8, RSA9): turns a signed TokenRequest (or TokenParams with Basic auth) into
 * TokenDetails, and a presented token back into a {@link Grant}. A token is an Ably JWT: header
 * {@code {"alg":"HS256","kid":"<keyName>"}}, claims {@code iat}, {@code exp} (seconds),
 * {@code x-ably-capability} (the canonical capability text) and {@code x-ably-clientId}, signed with the
 * key's secret. So every pod with the same {@code ably.keys} verifies it with nothing shared but config,
 * and a JWT an app's backend mints for Ably with its key works here unchanged. The HMAC is computed
 * here rather than by the JOSE library because Ably secrets may be shorter than the 256 bits it demands.
 * Thread-safe: one instance per pod (the nonce cache must be pod-wide).
 */
public final class AblyTokens {

    /** Longer tokens are refused before any parsing (ably-js refuses over 128 KiB; ours are a few hundred bytes). */
    static final int MAX_TOKEN_CHARS = 16_384;
    private static final String CAPABILITY_CLAIM = "x-ably-capability";
    private static final String CLIENT_ID_CLAIM = "x-ably-clientId";
    private static final String WILDCARD = "*";

    /**
     * What a credential grants: the key it derives from, the client id it fixes (null: none; {@code *}: any
     * the client names), its Ably capability, and its expiry ({@code Long.MAX_VALUE} for a key).
     */
    public record Grant(String keyName, String clientId, Map<String, List<String>> capability, long expiresAtMs) {

        /** The client id the connection or request acts as, given what the client asked for. */
        public String effectiveClientId(String asked) {
            if (WILDCARD.equals(clientId)) {
                return asked;
            }
            if (asked != null && !asked.equals(clientId)) { // RSA15c: a token fixes the identity, or its absence
                throw new AblyRefusal(AblyError.of(AblyCode.INCOMPATIBLE_CREDENTIALS, "the clientId '" + asked
                        + "' does not match the token's (" + (clientId == null ? "none" : clientId) + ")"));
            }
            return clientId;
        }

        /** The Chorus principal; {@code fallbackId} stands for an unidentified client (its connection id). */
        public Principal principal(String clientId, String fallbackId) {
            return new Principal(clientId != null ? clientId : fallbackId,
                    Capabilities.of(AblyKeys.translate(capability)), expiresAtMs, false);
        }
    }

    private final AblyKeys keys;
    private final AblyConfig.AblyTokenConfig config;
    private final Clock clock;
    private final NonceCache nonces;
    private final MeterRegistry registry;
    private final Counter issued;

    public AblyTokens(AblyConfig config, Clock clock, MeterRegistry registry) {
        this(new AblyKeys(config), config.tokens(), clock, registry);
    }

    AblyTokens(AblyKeys keys, AblyConfig.AblyTokenConfig config, Clock clock, MeterRegistry registry) {
        this.keys = keys;
        this.config = config;
        this.clock = clock;
        this.nonces = new NonceCache(config.maxNonces());
        this.registry = registry;
        this.issued = Counter.builder("chorus_ably_tokens_issued").description("Ably tokens issued (requestToken)")
                .register(registry);
    }

    /** The pod's time as tokens and TokenRequest timestamps are judged by (GET /time, RSC16). */
    public long now() {
        return clock.millis();
    }

    /** Basic auth with {@code appId.keyId:secret} (RSA11): the key's whole capability, any client id. */
    public Grant basic(String key) {
        int colon = key.indexOf(':');
        AblyKeys.Key k = colon < 0 ? null : keys.key(key.substring(0, colon));
        // The same checks, in the same order, as a realtime connection with a key.
        keys.authenticate(key, null, "rest");
        return new Grant(k.name(), WILDCARD, k.ably(), Long.MAX_VALUE);
    }

    /** A token presented at connect, in AUTH or as a REST Bearer: its grant, or a refusal (40101, 40142, 40144...). */
    public Grant verify(String token) {
        try {
            return check(token);
        } catch (AblyRefusal r) {
            refused("verify", r.error().code());
            throw r;
        }
    }

    private Grant check(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw refuse(AblyCode.INVALID_JWT_FORMAT, "the token is empty or longer than " + MAX_TOKEN_CHARS);
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(token);
        } catch (ParseException e) {
            throw refuse(AblyCode.INVALID_JWT_FORMAT, "the token is not a signed JWT (Chorus issues Ably JWTs)");
        }
        if (!JWSAlgorithm.HS256.equals(jws.getHeader().getAlgorithm()) || jws.getHeader().getKeyID() == null) {
            throw refuse(AblyCode.INVALID_JWT_FORMAT, "the token must be HS256 with the key name as kid");
        }
        AblyKeys.Key k = keys.key(jws.getHeader().getKeyID());
        if (k == null) {
            throw refuse(AblyCode.INVALID_CREDENTIALS, "the token's key is not configured here");
        }
        byte[] expected = hmac(k.secret(), jws.getSigningInput());
        if (!MessageDigest.isEqual(expected, jws.getSignature().decode())) {
            throw refuse(AblyCode.INVALID_CREDENTIALS, "the token's signature does not verify");
        }
        JsonNode claims;
        try {
            claims = MessageCodec.JSON.readTree(jws.getPayload().toBytes());
        } catch (IOException e) {
            claims = null;
        }
        if (claims == null || !claims.isObject() || !claims.path("exp").isIntegralNumber()
                || !claims.path("exp").canConvertToLong()) {
            throw refuse(AblyCode.INVALID_JWT_FORMAT, "the token's claims need exp (seconds since the epoch)");
        }
        long exp = claims.get("exp").longValue();
        if (exp > Long.MAX_VALUE / 1000 || exp <= 0) {
            throw refuse(AblyCode.INVALID_JWT_FORMAT, "exp is out of range");
        }
        long expiresAt = exp * 1000;
        if (expiresAt <= clock.millis()) {
            throw refuse(AblyCode.TOKEN_EXPIRED, "the token expired");
        }
        Map<String, List<String>> capability = k.ably();
        JsonNode cap = claims.get(CAPABILITY_CLAIM);
        if (cap != null && !cap.isNull()) {
            if (!cap.isTextual()) {
                throw refuse(AblyCode.INVALID_JWT_FORMAT, CAPABILITY_CLAIM + " must be the capability's JSON text");
            }
            capability = AblyCapability.parse(cap.textValue());
            if (!AblyCapability.within(capability, k.ably())) {
                throw refuse(AblyCode.CAPABILITY_DENIED, "the token's capability is beyond its key's");
            }
        }
        JsonNode cid = claims.get(CLIENT_ID_CLAIM);
        String clientId = cid == null || cid.isNull() ? null : cid.asText();
        if (clientId != null && !WILDCARD.equals(clientId) && !AblyKeys.validClientId(clientId)) {
            throw refuse(AblyCode.INVALID_CLIENT_ID, "the token's clientId is not valid");
        }
        return new Grant(k.name(), clientId, capability, expiresAt);
    }

    /**
     * {@code POST /keys/{keyName}/requestToken} (RSA8): a signed TokenRequest (its mac over the fields as
     * ably-js's auth.ts {@code createTokenRequest} joins them), or TokenParams when {@code basic} (the
     * request's Basic auth, with this key) vouches for them. Answers the TokenDetails (TD).
     */
    public ObjectNode requestToken(String keyName, JsonNode body, Grant basic) {
        try {
            ObjectNode details = grantToken(keyName, body, basic);
            issued.increment();
            return details;
        } catch (AblyRefusal r) {
            refused("request", r.error().code());
            throw r;
        }
    }

    private ObjectNode grantToken(String keyName, JsonNode body, Grant basic) {
        AblyKeys.Key k = keys.key(keyName);
        if (k == null) {
            throw refuse(AblyCode.KEY_NOT_RECOGNIZED, "no Ably key of that name is configured");
        }
        if (body == null || !body.isObject()) {
            throw refuse(AblyCode.BAD_REQUEST, "the body must be a TokenRequest (JSON object)");
        }
        String named = text(body, "keyName");
        if (named != null && !named.equals(keyName)) {
            throw refuse(AblyCode.INVALID_CREDENTIALS, "the TokenRequest's keyName is not the one in the URL");
        }
        long now = clock.millis();
        if (body.hasNonNull("mac")) {
            checkSigned(k, body, now);
        } else if (basic == null || !basic.keyName().equals(keyName)) {
            throw refuse(AblyCode.INVALID_CREDENTIALS, "a TokenRequest needs a mac, or Basic auth with key " + keyName);
        }
        long ttl = ttl(body.get("ttl"));
        Map<String, List<String>> capability = k.ably();
        JsonNode cap = body.get("capability");
        if (cap != null && !cap.isNull() && !(cap.isTextual() && cap.textValue().isEmpty())) {
            capability = AblyCapability.parse(cap.isTextual() ? cap.textValue() : cap.toString());
            if (!AblyCapability.within(capability, k.ably())) {
                throw refuse(AblyCode.CAPABILITY_DENIED, "the requested capability is beyond the key's");
            }
        }
        String clientId = text(body, "clientId");
        if (clientId != null && (clientId.isEmpty() || !(WILDCARD.equals(clientId) || AblyKeys.validClientId(clientId)))) {
            throw refuse(AblyCode.INVALID_CLIENT_ID, "clientId must be '*' or 1 to 128 characters of [A-Za-z0-9_-:.@/=+]");
        }
        if (body.hasNonNull("mac")) {
            spendNonce(k, body, now);
        }
        long expires = now + ttl;
        String canonical = AblyCapability.canonical(capability);
        ObjectNode td = MessageCodec.JSON.createObjectNode()
                .put("token", sign(k, now, expires, canonical, clientId)).put("keyName", keyName)
                .put("issued", now).put("expires", expires / 1000 * 1000).put("capability", canonical);
        if (clientId != null) {
            td.put("clientId", clientId);
        }
        return td;
    }

    /** The mac, then the timestamp window; the nonce is spent once everything else passed. */
    private void checkSigned(AblyKeys.Key k, JsonNode body, long now) {
        JsonNode ts = body.get("timestamp");
        String nonce = text(body, "nonce");
        String mac = text(body, "mac");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong() || nonce == null || nonce.length() < 16
                || nonce.length() > 128) {
            throw refuse(AblyCode.BAD_REQUEST, "a signed TokenRequest needs timestamp (ms) and a nonce of 16+ characters");
        }
        JsonNode cap = body.get("capability");
        String signText = k.name() + '\n' + number(body.get("ttl")) + '\n'
                + (cap != null && cap.isTextual() ? cap.textValue() : "") + '\n'
                + (text(body, "clientId") == null ? "" : text(body, "clientId")) + '\n'
                + ts.longValue() + '\n' + nonce + '\n';
        byte[] expected = Base64.getEncoder().encode(hmac(k.secret(), signText.getBytes(StandardCharsets.UTF_8)));
        if (!MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.UTF_8))) {
            throw refuse(AblyCode.INVALID_CREDENTIALS, "the TokenRequest's mac does not verify with key " + k.name());
        }
        long window = config.requestWindow().toMillis();
        if (Math.abs(now - ts.longValue()) > window) {
            throw refuse(AblyCode.TIMESTAMP_NOT_CURRENT, "the TokenRequest's timestamp is more than "
                    + config.requestWindow() + " from the server's time (see GET /time, queryTime)");
        }
    }

    /** Remembers a granted TokenRequest's nonce, so only requests that would get a token take room. */
    private void spendNonce(AblyKeys.Key k, JsonNode body, long now) {
        long window = config.requestWindow().toMillis();
        switch (nonces.add(k.name() + '\n' + text(body, "nonce"), body.get("timestamp").longValue() + window + 1, now)) {
            case REPLAYED -> throw refuse(AblyCode.NONCE_VALUE_REPLAYED, "this TokenRequest was used already");
            case FULL -> throw new AblyRefusal(new AblyError(AblyCode.RATE_LIMIT_GENERIC,
                    "too many TokenRequests in the timestamp window (ably.tokens.maxNonces)", true));
            case NEW -> { }
        }
    }

    private long ttl(JsonNode n) {
        if (n == null || n.isNull() || (n.isTextual() && n.textValue().isEmpty())) {
            return config.defaultTtl().toMillis();
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0
                || n.longValue() > config.maxTtl().toMillis()) {
            throw refuse(AblyCode.INVALID_PARAMETER_VALUE, "ttl must be a number of milliseconds from 1 to "
                    + config.maxTtl().toMillis() + " (ably.tokens.maxTtl)");
        }
        return n.longValue();
    }

    /** A number as JavaScript prints it in the sign text ({@code ttl || ''}); integers only here. */
    private static String number(JsonNode n) {
        if (n == null || n.isNull() || (n.isNumber() && n.asLong() == 0 && n.isIntegralNumber())) {
            return "";
        }
        return n.isIntegralNumber() ? n.asText() : n.isTextual() ? n.textValue() : n.toString();
    }

    private String sign(AblyKeys.Key k, long nowMs, long expiresMs, String capability, String clientId) {
        ObjectNode header = MessageCodec.JSON.createObjectNode().put("alg", "HS256").put("typ", "JWT").put("kid", k.name());
        ObjectNode claims = MessageCodec.JSON.createObjectNode().put("iat", nowMs / 1000).put("exp", expiresMs / 1000)
                .put(CAPABILITY_CLAIM, capability);
        if (clientId != null) {
            claims.put(CLIENT_ID_CLAIM, clientId);
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + '.'
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return input + '.' + b64.encodeToString(hmac(k.secret(), input.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(byte[] secret, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void refused(String where, AblyCode code) {
        Counter.builder("chorus_ably_token_refusals").description("Ably tokens and TokenRequests refused, by Ably code")
                .tag("where", where).tag("code", Integer.toString(code.code())).register(registry).increment();
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw refuse(AblyCode.BAD_REQUEST, field + " must be a string");
        }
        return n.textValue();
    }

    private static AblyRefusal refuse(AblyCode code, String message) {
        return new AblyRefusal(AblyError.of(code, message));
    }
}
