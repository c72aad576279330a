package io.chorus.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.gateway.config.ConfigException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The public keys tokens may be signed with: PEM files and a JWKS file, each key with an optional kid. */
final class KeySet {

    record Key(String kid, PublicKey key) {
    }

    private final List<Key> keys = new ArrayList<>();

    static KeySet load(List<String> pemFiles, String jwksFile) {
        KeySet set = new KeySet();
        try {
            for (String file : pemFiles) {
                set.keys.add(new Key(null, pem(Files.readString(Path.of(file)))));
            }
            if (jwksFile != null && !jwksFile.isBlank()) {
                JsonNode jwks = new ObjectMapper().readTree(Files.readAllBytes(Path.of(jwksFile)));
                for (JsonNode k : jwks.path("keys")) {
                    set.keys.add(new Key(k.path("kid").asText(null), jwk(k)));
                }
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("cannot load auth keys: " + e.getMessage());
        }
        return set;
    }

    /** Keys of the type the algorithm needs, restricted to the kid when the token names one. */
    List<PublicKey> candidates(String kid, boolean rsa) {
        List<PublicKey> out = new ArrayList<>();
        for (Key k : keys) {
            boolean typeOk = rsa ? k.key instanceof RSAPublicKey : k.key instanceof ECPublicKey;
            if (typeOk && (kid == null || kid.equals(k.kid) || k.kid == null)) {
                out.add(k.key);
            }
        }
        return out;
    }

    static PublicKey pem(String text) throws GeneralSecurityException {
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(b64));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    private static PublicKey jwk(JsonNode k) throws GeneralSecurityException {
        Base64.Decoder d = Base64.getUrlDecoder();
        switch (k.path("kty").asText()) {
            case "RSA" -> {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, d.decode(k.path("n").asText())), new BigInteger(1, d.decode(k.path("e").asText()))));
            }
            case "EC" -> {
                if (!"P-256".equals(k.path("crv").asText())) {
                    throw new GeneralSecurityException("only P-256 EC keys are supported (ES256)");
                }
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                ECPoint point = new ECPoint(new BigInteger(1, d.decode(k.path("x").asText())),
                        new BigInteger(1, d.decode(k.path("y").asText())));
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point,
                        params.getParameterSpec(ECParameterSpec.class)));
            }
            default -> throw new GeneralSecurityException("unsupported JWK kty " + k.path("kty").asText());
        }
    }
}
