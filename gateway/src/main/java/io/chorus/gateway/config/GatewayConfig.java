package io.chorus.gateway.config;

/** The whole gateway configuration; see the README's configuration reference for every field. */
public record GatewayConfig(
        String mode,
        HttpConfig http,
        KafkaConfig kafka,
        NamespacesConfig namespaces,
        ConnectionConfig connection,
        CacheConfig cache,
        CatchupConfig catchup,
        HistoryConfig history,
        PublishConfig publish,
        FallbackConfig fallback,
        LimitsConfig limits,
        DrainConfig drain,
        AuthConfig auth,
        PresenceConfig presence,
        AblyConfig ably) {

    public GatewayConfig {
        ably = ably == null ? AblyConfig.DISABLED : ably;
    }

    public boolean devMode() {
        return "dev".equals(mode);
    }

    public GatewayConfig withHttp(HttpConfig h) {
        return new GatewayConfig(mode, h, kafka, namespaces, connection, cache, catchup, history, publish, fallback,
                limits, drain, auth, presence, ably);
    }

    public GatewayConfig withKafka(KafkaConfig k) {
        return new GatewayConfig(mode, http, k, namespaces, connection, cache, catchup, history, publish, fallback,
                limits, drain, auth, presence, ably);
    }

    public GatewayConfig withConnection(ConnectionConfig c) {
        return new GatewayConfig(mode, http, kafka, namespaces, c, cache, catchup, history, publish, fallback,
                limits, drain, auth, presence, ably);
    }

    public GatewayConfig withCache(CacheConfig c) {
        return new GatewayConfig(mode, http, kafka, namespaces, connection, c, catchup, history, publish, fallback,
                limits, drain, auth, presence, ably);
    }

    public GatewayConfig withFallback(FallbackConfig f) {
        return new GatewayConfig(mode, http, kafka, namespaces, connection, cache, catchup, history, publish, f,
                limits, drain, auth, presence, ably);
    }

    public GatewayConfig withLimits(LimitsConfig l) {
        return new GatewayConfig(mode, http, kafka, namespaces, connection, cache, catchup, history, publish,
                fallback, l, drain, auth, presence, ably);
    }

    public GatewayConfig withAuth(AuthConfig a) {
        return new GatewayConfig(mode, http, kafka, namespaces, connection, cache, catchup, history, publish,
                fallback, limits, drain, a, presence, ably);
    }

    public GatewayConfig withDrain(DrainConfig d) {
        return new GatewayConfig(mode, http, kafka, namespaces, connection, cache, catchup, history, publish,
                fallback, limits, d, auth, presence, ably);
    }

    public GatewayConfig withPresence(PresenceConfig p) {
        return new GatewayConfig(mode, http, kafka, namespaces, connection, cache, catchup, history, publish,
                fallback, limits, drain, auth, p, ably);
    }

    /** Resolves the namespace options for a name, or null when it is not configured and not allowed. */
    public NamespaceConfig namespace(String name) {
        NamespaceConfig ns = namespaces.configured().get(name);
        if (ns != null) {
            return ns.withDefaultTopic(name);
        }
        return namespaces.allowAny() ? namespaces.defaults().withDefaultTopic(name) : null;
    }
}
