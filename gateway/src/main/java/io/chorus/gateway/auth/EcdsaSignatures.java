package io.chorus.gateway.auth;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/**
 * JWS carries an ES256 signature as R and S, 32 bytes each; Java's verifier wants the ASN.1 DER
 * sequence of two integers.
 */
final class EcdsaSignatures {

    private EcdsaSignatures() {
    }

    static byte[] toDer(byte[] jose) {
        byte[] r = new BigInteger(1, java.util.Arrays.copyOfRange(jose, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, java.util.Arrays.copyOfRange(jose, 32, 64)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(72);
        out.write(0x30);
        out.write(4 + r.length + s.length);
        out.write(0x02);
        out.write(r.length);
        out.write(r, 0, r.length);
        out.write(0x02);
        out.write(s.length);
        out.write(s, 0, s.length);
        return out.toByteArray();
    }
}
