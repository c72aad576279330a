package io.chorus.ingest.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import java.nio.charset.StandardCharsets;

/** HS256 tokens with the capabilities of ENGAGE.md's role table, signed with the gateways' secret. */
final class Tokens {

    private final MACSigner signer;

    Tokens(String secret) throws Exception {
        this.signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
    }

    String participant(String code, String id) {
        ObjectNode caps = Wire.JSON.createObjectNode();
        caps.putArray("engage-in:" + code).add("publish");
        caps.putArray("engage:" + code).add("subscribe");
        caps.putArray("engage:" + code + ":*").add("subscribe");
        caps.putArray("engage-me:" + code + ":" + id).add("subscribe");
        return sign(id, caps);
    }

    String host(String code, String id) {
        ObjectNode caps = Wire.JSON.createObjectNode();
        caps.putArray("engage-ctl:" + code + ":*").add("publish");
        caps.putArray("engage:" + code).add("subscribe");
        caps.putArray("engage:" + code + ":*").add("subscribe");
        caps.putArray("engage-me:" + code + ":*").add("subscribe");
        return sign(id, caps);
    }

    private String sign(String sub, ObjectNode caps) {
        ObjectNode claims = Wire.JSON.createObjectNode().put("sub", sub)
                .put("exp", System.currentTimeMillis() / 1000 + 3600);
        claims.set("chorus", caps);
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(claims.toString()));
        try {
            jws.sign(signer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }
}
