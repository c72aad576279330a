package io.chorus.gateway.config;

/** A configuration that cannot be used; the message names the key and the rule. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
