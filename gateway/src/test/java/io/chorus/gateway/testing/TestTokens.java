package io.chorus.gateway.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
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
        String head = b64(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
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
