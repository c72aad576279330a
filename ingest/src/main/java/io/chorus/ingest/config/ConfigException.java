package io.chorus.ingest.config;

/** A configuration that cannot run: the message names the key and what is wrong. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
