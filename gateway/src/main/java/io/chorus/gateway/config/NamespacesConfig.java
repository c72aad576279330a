package io.chorus.gateway.config;

import java.util.Map;

/**
 * Namespace to topic mapping. {@code allowAny} lets any namespace through with {@code defaults}
 * (topic {@code chorus.<namespace>}); when false only the {@code configured} ones exist.
 */
public record NamespacesConfig(boolean allowAny, NamespaceConfig defaults, Map<String, NamespaceConfig> configured) {
    public NamespacesConfig {
        configured = configured == null ? Map.of() : Map.copyOf(configured);
    }
}
