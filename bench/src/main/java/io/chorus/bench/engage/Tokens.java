package io.chorus.bench.engage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 participant and display tokens with the capabilities of ENGAGE.md's role table, signed with
 * the gateway's {@code auth.hmacSecret}: the same claims the join API issues, without 10,000 HTTP
 * round trips before a storm (the join API issues no Kafka record, so nothing downstream differs).
 */
public final class Tokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.UTF_8));

    private final Mac mac;

    public Tokens(String secret) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A participant of event {@code code}: publishes on {@code engage-in:CODE}, reads the event's snapshots. */
    public synchronized String participant(String code, String pid, long ttlSeconds) {
        ObjectNode caps = JSON.createObjectNode();
        caps.putArray("engage-in:" + code).add("publish");
        caps.putArray("engage:" + code).add("subscribe");
        caps.putArray("engage:" + code + ":*").add("subscribe");
        caps.putArray("engage-me:" + code + ":" + pid).add("subscribe");
        return sign(pid, code, "participant", caps, ttlSeconds);
    }

    private String sign(String sub, String code, String role, ObjectNode caps, long ttlSeconds) {
        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = JSON.createObjectNode().put("sub", sub).put("iat", now).put("exp", now + ttlSeconds)
                .put("name", sub);
        claims.putObject("engage").put("event", code).put("role", role);
        claims.set("chorus", caps);
        String body = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        String signed = HEADER + "." + body;
        return signed + "." + B64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    }
}
