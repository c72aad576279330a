package io.chorus.gateway.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.config.AuthConfig;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints JWTs the way a customer's backend would, with the JDK only: HS256 with a shared secret,
 * RS256 and ES256 with generated key pairs (whose public halves the gateway is configured with).
 */
public final class TestTokens {

    public static final String SECRET = "test-secret-that-is-long-enough-for-hs256";
    public static final KeyPair RSA = generate("RSA", null);
    public static final KeyPair EC = generate("EC", "secp256r1");

    private TestTokens() {
    }

    private static KeyPair generate(String alg, String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            if (curve != null) {
                g.initialize(new ECGenParameterSpec(curve));
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tokens signed HS256 with {@code secret}, the other settings at their defaults. */
    public static AuthConfig hs256Config(String secret, Duration clockSkew) {
        return new AuthConfig(false, Map.of(), secret, List.of(), "", "", Duration.ofMinutes(10), Duration.ofSeconds(30),
                Duration.ofSeconds(5), "", "", 8192, clockSkew, Duration.ofSeconds(60), Map.of());
    }

    public static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Claims with sub, exp (seconds from now) and capabilities. */
    public static ObjectNode claims(String sub, long expiresInSeconds, Map<String, String[]> caps) {
        ObjectNode c = WsProbe.JSON.createObjectNode().put("sub", sub)
                .put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds);
        ObjectNode chorus = c.putObject("chorus");
        caps.forEach((pattern, ops) -> {
            var arr = chorus.putArray(pattern);
            for (String op : ops) {
                arr.add(op);
            }
        });
        return c;
    }

    public static String hs256(ObjectNode claims) {
        return sign("HS256", claims, input -> {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(input);
        });
    }

    public static String rs256(ObjectNode claims) {
        return sign("RS256", claims, input -> jdk("SHA256withRSA", RSA.getPrivate(), input));
    }

    public static String es256(ObjectNode claims) {
        return sign("ES256", claims, input -> derToJose(jdk("SHA256withECDSA", EC.getPrivate(), input)));
    }

    /** HS256 with another secret (say, a public key's bytes, as an algorithm-confusion attack would). */
    public static String hs256(byte[] secret, ObjectNode claims) {
        return sign("HS256", null, claims, input -> {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input);
        });
    }

    /** RS256 or ES256 (by the key pair's type) with a {@code kid} in the header. */
    public static String signed(KeyPair pair, String kid, ObjectNode claims) {
        if (pair.getPrivate() instanceof java.security.interfaces.RSAPrivateKey) {
            return sign("RS256", kid, claims, input -> jdk("SHA256withRSA", pair.getPrivate(), input));
        }
        return sign("ES256", kid, claims, input -> derToJose(jdk("SHA256withECDSA", pair.getPrivate(), input)));
    }

    /** A JWKS holding the public halves of {@code keys} (kid to key pair, RSA or EC P-256). */
    public static String jwks(Map<String, KeyPair> keys) {
        ObjectNode set = WsProbe.JSON.createObjectNode();
        var arr = set.putArray("keys");
        keys.forEach((kid, pair) -> {
            ObjectNode k = arr.addObject().put("kid", kid).put("use", "sig");
            if (pair.getPublic() instanceof java.security.interfaces.RSAPublicKey rsa) {
                k.put("kty", "RSA").put("n", b64(unsigned(rsa.getModulus(), 0)))
                        .put("e", b64(unsigned(rsa.getPublicExponent(), 0)));
            } else {
                var point = ((java.security.interfaces.ECPublicKey) pair.getPublic()).getW();
                k.put("kty", "EC").put("crv", "P-256").put("x", b64(unsigned(point.getAffineX(), 32)))
                        .put("y", b64(unsigned(point.getAffineY(), 32)));
            }
        });
        return set.toString();
    }

    /** A big-endian unsigned magnitude, left-padded to {@code size} bytes when given. */
    private static byte[] unsigned(BigInteger n, int size) {
        byte[] b = n.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = java.util.Arrays.copyOfRange(b, 1, b.length);
        }
        if (b.length >= size) {
            return b;
        }
        byte[] out = new byte[size];
        System.arraycopy(b, 0, out, size - b.length, b.length);
        return out;
    }

    /** A JSON number for a Long, Double, BigInteger or BigDecimal; a JSON string for a String. */
    public static com.fasterxml.jackson.databind.JsonNode numberOrText(Object v) {
        var f = WsProbe.JSON.getNodeFactory();
        if (v instanceof Long l) {
            return f.numberNode(l);
        }
        if (v instanceof Double d) {
            return f.numberNode(d);
        }
        if (v instanceof BigInteger b) {
            return f.numberNode(b);
        }
        if (v instanceof java.math.BigDecimal b) {
            return f.numberNode(b);
        }
        return f.textNode(String.valueOf(v));
    }

    /** A fresh key pair: "RSA" or "EC" (P-256). */
    public static KeyPair newKeyPair(String alg) {
        return generate(alg, "EC".equals(alg) ? "secp256r1" : null);
    }

    /** A token whose header says {@code alg}, signed with nothing (for none) or HS256's bytes. */
    public static String withAlg(String alg, ObjectNode claims, boolean signature) {
        String head = b64(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
        String body = b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        String hs = hs256(claims);
        return head + "." + body + "." + (signature ? hs.substring(hs.lastIndexOf('.') + 1) : "");
    }

    interface Signer {
        byte[] sign(byte[] input) throws Exception;
    }

    private static String sign(String alg, ObjectNode claims, Signer signer) {
        return sign(alg, null, claims, signer);
    }

    private static String sign(String alg, String kid, ObjectNode claims, Signer signer) {
        String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + "}";
        String head = b64(header.getBytes(StandardCharsets.UTF_8));
        String body = b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            byte[] sig = signer.sign((head + "." + body).getBytes(StandardCharsets.US_ASCII));
            return head + "." + body + "." + b64(sig);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] jdk(String alg, PrivateKey key, byte[] input) throws Exception {
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(input);
        return s.sign();
    }

    /** DER SEQUENCE{INTEGER r, INTEGER s} to the 64-byte R||S of JWS. */
    private static byte[] derToJose(byte[] der) {
        int offset = 2;
        int rLen = der[offset + 1];
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(der, offset + 2, offset + 2 + rLen));
        offset = offset + 2 + rLen;
        int sLen = der[offset + 1];
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(der, offset + 2, offset + 2 + sLen));
        byte[] out = new byte[64];
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        System.arraycopy(rb, Math.max(0, rb.length - 32), out, 32 - Math.min(32, rb.length), Math.min(32, rb.length));
        System.arraycopy(sb, Math.max(0, sb.length - 32), out, 64 - Math.min(32, sb.length), Math.min(32, sb.length));
        return out;
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
