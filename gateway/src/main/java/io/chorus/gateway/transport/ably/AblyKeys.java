package io.chorus.gateway.transport.ably;

import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.config.AblyConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured Ably keys ({@code ably.keys}): checks a presented key ({@code appId.keyId:secret}, RSA11)
 * and turns its Ably capability into Chorus capabilities. Ably's {@code *} operation grants subscribe,
 * publish, presence and history; Ably operations Chorus has no counterpart for (push, stats, objects,
 * annotations, message updates...) grant nothing. Patterns keep their meaning: {@code *} is every
 * channel, {@code ns:*} every channel of namespace {@code ns}, anything else one channel.
 */
final class AblyKeys {

    /** Chorus's rule for a client id (PROTOCOL.md, claims: {@code sub}); Ably forbids {@code *} too (RSA7c). */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");

    /** A configured key: its secret, its capability in Chorus's terms and as configured (Ably's). */
    record Key(String name, byte[] secret, Capabilities capabilities, Map<String, List<String>> ably) {
    }

    private final Map<String, Key> keys = new HashMap<>();

    AblyKeys(AblyConfig config) {
        config.keys().forEach((name, k) -> keys.put(name,
                new Key(name, k.secret().getBytes(StandardCharsets.UTF_8), Capabilities.of(translate(k.capability())),
                        k.capability())));
    }

    /**
     * The principal of a connection that presented {@code key}, with the {@code clientId} it asked for
     * (a key may assume any client id, RSA7) or, without one, its connection id (CD2a: not identified).
     */
    Principal authenticate(String key, String clientId, String connectionId) {
        int colon = key.indexOf(':');
        if (colon < 0) {
            throw new AblyRefusal(AblyError.of(AblyCode.INVALID_CREDENTIALS,
                    "the key must be of the form appId.keyId:secret"));
        }
        Key k = keys.get(key.substring(0, colon));
        if (k == null) {
            throw new AblyRefusal(AblyError.of(AblyCode.KEY_NOT_RECOGNIZED, "no Ably key of that name is configured"));
        }
        byte[] secret = key.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(k.secret, secret)) {
            throw new AblyRefusal(AblyError.of(AblyCode.INVALID_CREDENTIALS, "the key's secret does not match"));
        }
        if (clientId != null && !CLIENT_ID.matcher(clientId).matches()) {
            throw new AblyRefusal(AblyError.of(AblyCode.INVALID_CLIENT_ID,
                    "clientId must be 1 to 128 characters of [A-Za-z0-9_-:.@/=+]"));
        }
        return new Principal(clientId != null ? clientId : connectionId, k.capabilities, Long.MAX_VALUE, false);
    }

    /** The key named {@code name}, or null. */
    Key key(String name) {
        return keys.get(name);
    }

    /** A client id as Chorus and Ably accept it (Ably's wildcard {@code *} aside). */
    static boolean validClientId(String clientId) {
        return CLIENT_ID.matcher(clientId).matches();
    }

    /** Ably capability (pattern to Ably operations) to Chorus's (pattern to Chorus operations). */
    static Map<String, List<String>> translate(Map<String, List<String>> ably) {
        Map<String, List<String>> out = new HashMap<>();
        ably.forEach((pattern, ops) -> {
            Set<String> chorus = new LinkedHashSet<>();
            for (String op : ops) {
                switch (op) {
                    case "*" -> chorus.addAll(List.of("subscribe", "publish", "presence", "history"));
                    case "subscribe", "publish", "presence", "history" -> chorus.add(op);
                    default -> { } // no Chorus counterpart: grants nothing here (ABLY.md)
                }
            }
            out.put(pattern, new ArrayList<>(chorus));
        });
        return out;
    }
}
