package io.chorus.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Ably's realtime protocol (ABLY.md). {@code enabled}: WebSocket upgrades of {@code GET /} on the
 * gateway's port speak it. {@code keys}: Ably API keys by key name ({@code appId.keyId}), each with its
 * secret and an Ably capability (channel pattern to Ably operations). {@code connectionStateTtl} is what
 * CONNECTED reports (CD2f); {@code maxPendingPublishes} bounds the publishes of one connection waiting
 * for Kafka, whose ACKs must go out in {@code msgSerial} order. {@code connectionKeySecret} signs the
 * connection keys that {@code resume}/{@code recover} present, so any pod that shares it can resume a
 * connection another pod opened (empty: a random secret per process, so only that process resumes);
 * {@code connectionKeyMaxAge} bounds how long after its issue a key still resumes. {@code tokens}: token
 * auth (requestToken).
 */
public record AblyConfig(boolean enabled, Map<String, AblyKeyConfig> keys, Duration connectionStateTtl,
                         int maxPendingPublishes, String connectionKeySecret, Duration connectionKeyMaxAge,
                         AblyTokenConfig tokens) {

    /**
     * Ably tokens ({@code ably.tokens}): {@code defaultTtl} when a TokenRequest names none (Ably: 1 h),
     * {@code maxTtl} the longest granted (Ably: 24 h), {@code requestWindow} how far a TokenRequest's
     * timestamp may be from the pod's clock (older ones are refused, 40104), {@code maxNonces} how many
     * nonces of that window one pod remembers to refuse a replayed TokenRequest (40105); past it,
     * TokenRequests are refused with 42910 until older nonces age out.
     */
    public record AblyTokenConfig(Duration defaultTtl, Duration maxTtl, Duration requestWindow, int maxNonces) {

        public static final AblyTokenConfig DEFAULTS = new AblyTokenConfig(null, null, null, 0);

        public AblyTokenConfig {
            defaultTtl = defaultTtl == null ? Duration.ofHours(1) : defaultTtl;
            maxTtl = maxTtl == null ? Duration.ofHours(24) : maxTtl;
            requestWindow = requestWindow == null ? Duration.ofMinutes(10) : requestWindow;
            maxNonces = maxNonces <= 0 ? 100_000 : maxNonces;
        }
    }

    /** Without resume and token settings: the defaults. */
    public AblyConfig(boolean enabled, Map<String, AblyKeyConfig> keys, Duration connectionStateTtl,
                      int maxPendingPublishes) {
        this(enabled, keys, connectionStateTtl, maxPendingPublishes, "", null, null);
    }

    /** One Ably key: its secret and capability, e.g. {@code {"chat:*":["subscribe","publish"]}}. */
    public record AblyKeyConfig(String secret, Map<String, List<String>> capability) {

        public AblyKeyConfig {
            capability = capability == null ? Map.of("*", List.of("*")) : Map.copyOf(capability);
        }

        @Override
        public String toString() {
            return "AblyKeyConfig[secret=***, capability=" + capability + "]";
        }
    }

    public static final AblyConfig DISABLED = new AblyConfig(false, Map.of(), Duration.ofMinutes(2), 100);
    /** Below this, a shared connection-key secret is too easy to guess. */
    public static final int MIN_SECRET_LENGTH = 16;

    public AblyConfig {
        keys = keys == null ? Map.of() : Map.copyOf(keys);
        connectionStateTtl = connectionStateTtl == null ? Duration.ofMinutes(2) : connectionStateTtl;
        connectionKeySecret = connectionKeySecret == null ? "" : connectionKeySecret;
        connectionKeyMaxAge = connectionKeyMaxAge == null ? Duration.ofHours(24) : connectionKeyMaxAge;
        tokens = tokens == null ? AblyTokenConfig.DEFAULTS : tokens;
    }

    /** Ably's capability operations (ably-js ably.d.ts, {@code capabilityOp}, and "*"); ABLY.md says which Chorus keeps. */
    public static final java.util.Set<String> OPERATIONS = java.util.Set.of("*", "subscribe", "publish", "presence",
            "history", "stats", "push-subscribe", "push-admin", "channel-metadata", "privileged-headers",
            "object-subscribe", "object-publish", "annotation-subscribe", "annotation-publish", "message-update-own",
            "message-update-any", "message-delete-own", "message-delete-any");
    private static final java.util.regex.Pattern KEY_NAME = java.util.regex.Pattern.compile("[^.:\\s]+\\.[^.:\\s]+");

    /** What is wrong with this section, for the loader's start-up error; empty when nothing. */
    public java.util.List<String> problems() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (maxPendingPublishes < 1 || connectionStateTtl.isNegative()) {
            out.add("ably.maxPendingPublishes must be >= 1 and ably.connectionStateTtl >= 0");
        }
        if (!connectionKeySecret.isEmpty() && connectionKeySecret.length() < MIN_SECRET_LENGTH) {
            out.add("ably.connectionKeySecret must be empty (a random one per process) or at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        if (connectionKeyMaxAge.toMillis() < 1000) {
            out.add("ably.connectionKeyMaxAge must be at least 1s");
        }
        if (tokens.defaultTtl().isNegative() || tokens.defaultTtl().isZero()
                || tokens.maxTtl().compareTo(tokens.defaultTtl()) < 0
                || tokens.requestWindow().isNegative() || tokens.requestWindow().isZero()) {
            out.add("ably.tokens: defaultTtl and requestWindow must be > 0, maxTtl >= defaultTtl");
        }
        keys.forEach((name, k) -> {
            if (!KEY_NAME.matcher(name).matches()) {
                out.add("ably.keys: '" + name + "' is not an Ably key name (appId.keyId)");
            }
            if (k == null || k.secret() == null || k.secret().isEmpty() || k.secret().contains(":")) {
                out.add("ably.keys." + name + ".secret must be set (no ':')");
                return;
            }
            k.capability().forEach((pattern, ops) -> {
                int star = pattern.indexOf('*');
                String stem = star >= 0 ? pattern.substring(0, star) : pattern;
                if (pattern.isEmpty() || (star >= 0 && star != pattern.length() - 1)
                        || (star > 0 && pattern.charAt(star - 1) != ':')
                        || (star < 0 && io.chorus.schema.ChannelName.problem(stem) != null)) {
                    out.add("ably.keys." + name + ".capability: pattern '" + pattern
                            + "' must be a channel name, 'namespace:*' or '*'");
                }
                if (ops == null || ops.isEmpty() || !OPERATIONS.containsAll(ops)) {
                    out.add("ably.keys." + name + ".capability." + pattern + ": operations must be among " + OPERATIONS);
                }
            });
        });
        return out;
    }

    /** Key names only: secrets stay out of logs. */
    @Override
    public String toString() {
        return "AblyConfig[enabled=" + enabled + ", keys=" + keys + ", connectionStateTtl=" + connectionStateTtl
                + ", maxPendingPublishes=" + maxPendingPublishes + ", connectionKeySecret="
                + (connectionKeySecret.isEmpty() ? "(random per process)" : "***") + ", connectionKeyMaxAge="
                + connectionKeyMaxAge + ", tokens=" + tokens + "]";
    }
}
