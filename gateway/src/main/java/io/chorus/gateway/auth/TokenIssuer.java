package io.chorus.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs HS256 tokens with the gateway's shared secret: {@code chorus token} for trying things out in
 * dev mode and for operators' smoke tests. Production tokens come from the customer's backend.
 */
public final class TokenIssuer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenIssuer() {
    }

    /** A token for {@code sub}, valid for {@code ttl}, with {@code capabilities} (pattern → operations). */
    public static String hs256(String secret, String sub, Duration ttl, JsonNode capabilities, Instant now) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("auth.hmacSecret is not set (CHORUS_AUTH_HMAC_SECRET)");
        }
        ObjectNode claims = JSON.createObjectNode().put("sub", sub).put("iat", now.getEpochSecond())
                .put("exp", now.plus(ttl).getEpochSecond());
        claims.set("chorus", capabilities);
        String head = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return head + "." + body + "." + b64(mac.doFinal((head + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
