package io.chorus.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A compact JWS split into its parts; parsing only, no trust. */
record Jwt(JsonNode header, JsonNode claims, byte[] signingInput, byte[] signature) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Jwt parse(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw invalid("a token has three base64url parts separated by dots");
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            JsonNode header = JSON.readTree(b64.decode(parts[0]));
            JsonNode claims = JSON.readTree(b64.decode(parts[1]));
            if (header == null || !header.isObject() || claims == null || !claims.isObject()) {
                throw invalid("the token's header and claims must be JSON objects");
            }
            byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            return new Jwt(header, claims, input, b64.decode(parts[2]));
        } catch (IllegalArgumentException | IOException e) {
            throw invalid("the token is not valid base64url JSON");
        }
    }

    static ChorusException invalid(String why) {
        return new ChorusException(ErrorCode.TOKEN_INVALID, why);
    }
}
