package io.chorus.gateway.config;

import java.util.List;
import java.util.Map;

/** A backend's API key and its capabilities (channel pattern to operations). */
public record ApiKeyConfig(String key, Map<String, List<String>> capabilities) {

    @Override
    public String toString() {
        return "ApiKeyConfig[key=***, capabilities=" + capabilities + "]";
    }
}
