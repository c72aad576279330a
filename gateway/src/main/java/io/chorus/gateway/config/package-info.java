/**
 * Immutable configuration: records with defaults, loaded from one YAML file (defaults in
 * {@code chorus-defaults.yaml} on the classpath, then the operator's file) plus environment overrides.
 */
package io.chorus.gateway.config;
