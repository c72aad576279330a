package io.chorus.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.chorus.gateway.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The keys tokens may be signed with, each bound to exactly one algorithm when it is loaded: the
 * shared secret to HS256, an RSA key to RS256, a P-256 key to ES256. A token's {@code alg} only ever
 * selects keys bound to it, so an HS256 token can never be checked with a public key as its secret.
 * Immutable: a refreshed JWKS is a new set.
 */
final class KeySet {

    /** A JWKS with more keys than this is refused (identity providers publish a handful). */
    static final int MAX_KEYS = 100;
    static final KeySet EMPTY = new KeySet(List.of());

    record Key(String kid, JWSAlgorithm alg, JWSVerifier verifier) {
    }

    private final List<Key> keys;

    private KeySet(List<Key> keys) {
        this.keys = keys;
    }

    /** The shared secret, then the PEM files, then the JWKS file; a bad file fails start-up. */
    static KeySet load(String hmacSecret, List<String> pemFiles, String jwksFile) {
        List<Key> keys = new ArrayList<>();
        try {
            if (hmacSecret != null && !hmacSecret.isEmpty()) {
                keys.add(new Key(null, JWSAlgorithm.HS256, new MACVerifier(hmacSecret.getBytes(StandardCharsets.UTF_8))));
            }
            for (String file : pemFiles) {
                keys.add(key(null, pem(Files.readString(Path.of(file)))));
            }
            if (jwksFile != null && !jwksFile.isBlank()) {
                keys.addAll(jwks(Files.readString(Path.of(jwksFile)), true).keys);
            }
        } catch (IOException | GeneralSecurityException | JOSEException | ParseException | IllegalArgumentException e) {
            throw new ConfigException("cannot load auth keys: " + e.getMessage());
        }
        return new KeySet(List.copyOf(keys));
    }

    /**
     * The signing keys of a JWKS. {@code strict} (a file the operator wrote): a key we cannot use is
     * an error. Otherwise (an identity provider's URL, which may also publish encryption keys or other
     * curves, RFC 7517 section 5) such keys are skipped.
     */
    static KeySet jwks(String json, boolean strict) throws ParseException, JOSEException {
        List<JWK> all = JWKSet.parse(json).getKeys();
        if (all.size() > MAX_KEYS) {
            throw new ParseException("the JWKS has " + all.size() + " keys; at most " + MAX_KEYS + " are accepted", 0);
        }
        List<Key> keys = new ArrayList<>();
        for (JWK jwk : all) {
            Key key = usable(jwk);
            if (key != null) {
                keys.add(key);
            } else if (strict) {
                throw new ParseException("JWK " + (jwk.getKeyID() == null ? "" : "'" + jwk.getKeyID() + "' ")
                        + "is not an RSA or EC P-256 signing key (RS256, ES256)", 0);
            }
        }
        return new KeySet(List.copyOf(keys));
    }

    private static Key usable(JWK jwk) throws JOSEException {
        if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
            return null;
        }
        Key key;
        if (jwk instanceof RSAKey rsa) {
            key = key(jwk.getKeyID(), rsa.toRSAPublicKey());
        } else if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            key = key(jwk.getKeyID(), ec.toECPublicKey());
        } else {
            return null;
        }
        // A JWK that names its algorithm (say PS256 or RSA-OAEP) is kept to that algorithm.
        return jwk.getAlgorithm() == null || jwk.getAlgorithm().equals(key.alg) ? key : null;
    }

    private static Key key(String kid, PublicKey key) throws JOSEException {
        if (key instanceof RSAPublicKey rsa) {
            return new Key(kid, JWSAlgorithm.RS256, new RSASSAVerifier(rsa));
        }
        if (key instanceof ECPublicKey ec) {
            return new Key(kid, JWSAlgorithm.ES256, new ECDSAVerifier(ec));
        }
        throw new JOSEException("not an RSA or EC public key: " + key.getAlgorithm());
    }

    /** A PEM public key (SubjectPublicKeyInfo), RSA or EC. */
    static PublicKey pem(String text) throws GeneralSecurityException {
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(b64));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    /**
     * Verifiers for a token signed with {@code alg}: keys bound to it, restricted to the token's kid
     * when it names one (keys without a kid, such as PEM files, match any kid).
     */
    void candidates(JWSAlgorithm alg, String kid, List<JWSVerifier> out) {
        for (Key k : keys) {
            if (k.alg.equals(alg) && (kid == null || k.kid == null || kid.equals(k.kid))) {
                out.add(k.verifier);
            }
        }
    }

    boolean hasKid(String kid) {
        for (Key k : keys) {
            if (kid.equals(k.kid)) {
                return true;
            }
        }
        return false;
    }

    boolean hasAlg(JWSAlgorithm alg) {
        for (Key k : keys) {
            if (k.alg.equals(alg)) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return keys.size();
    }
}
