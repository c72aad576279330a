/**
 * Ingest's configuration: immutable records loaded from the bundled defaults, an optional YAML file and
 * environment overrides ({@link io.chorus.ingest.config.ConfigLoader}); ingest/README.md lists every key.
 */
package io.chorus.ingest.config;
