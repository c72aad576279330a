/** Configuration loading shared by the gateway and ingest: layered YAML, environment overrides, durations. */
package io.chorus.schema.config;
