package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * HS256 tokens in the gateway's format (PROTOCOL.md): {@code sub}, {@code iat}, {@code exp},
 * {@code chorus} (capabilities), plus {@code name} and {@code engage} ({@code {event, role}}), which
 * the gateway ignores and the API reads back on rejoin. Signed and checked with Nimbus JOSE+JWT, the
 * library the gateway verifies with; only HS256 is accepted back.
 */
final class Tokens {

    static final int MAX_TOKEN_BYTES = 8192;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A token and what it says, for the answer. */
    record Issued(String token, String subject, long expiresAtMs) {
    }

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final SecureRandom random = new SecureRandom();

    Tokens(String hmacSecret) {
        try {
            byte[] secret = hmacSecret.getBytes(StandardCharsets.UTF_8);
            this.signer = new MACSigner(secret);
            this.verifier = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("engage.hmacSecret: " + e.getMessage(), e);
        }
    }

    /** {@code p-} or {@code h-} and 16 random hex digits: the participant's or host's id ({@code sub}). */
    String newId(String prefix) {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    Issued participant(String code, String id, String name, Duration ttl, Instant now) {
        return sign(id, name, code, "participant", Grants.participant(code, id), ttl, now);
    }

    Issued host(String code, String id, Duration ttl, Instant now) {
        return sign(id, "host", code, "host", Grants.host(code), ttl, now);
    }

    private Issued sign(String sub, String name, String code, String role, ObjectNode caps, Duration ttl, Instant now) {
        long exp = now.plus(ttl).getEpochSecond();
        ObjectNode claims = JSON.createObjectNode().put("sub", sub).put("name", name)
                .put("iat", now.getEpochSecond()).put("exp", exp);
        claims.set("chorus", caps);
        claims.putObject("engage").put("event", code).put("role", role);
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                new Payload(claims.toString()));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token", e);
        }
        return new Issued(jws.serialize(), sub, exp * 1000);
    }

    /**
     * The claims of a token this API's secret signed (HS256), whatever its expiry; null when it is
     * not one: too long, malformed, another algorithm, a bad signature, claims not a JSON object.
     */
    JsonNode verifiedClaims(String token) {
        if (token == null || token.length() > MAX_TOKEN_BYTES) {
            return null;
        }
        try {
            JWSObject jws = JWSObject.parse(token);
            if (!JWSAlgorithm.HS256.equals(jws.getHeader().getAlgorithm()) || !jws.verify(verifier)) {
                return null;
            }
            JsonNode claims = JSON.readTree(jws.getPayload().toBytes());
            return claims != null && claims.isObject() ? claims : null;
        } catch (ParseException | JOSEException | IOException | IllegalStateException e) {
            return null;
        }
    }

    /** The claim {@code exp} in epoch ms, or null when missing or not a number. */
    static Long expiresAtMs(JsonNode claims) {
        JsonNode exp = claims.get("exp");
        return exp != null && exp.isNumber() ? (long) (exp.doubleValue() * 1000) : null;
    }
}
