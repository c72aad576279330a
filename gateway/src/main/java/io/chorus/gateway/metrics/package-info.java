/** Micrometer meters for every important event, exposed in Prometheus format at {@code /metrics}. */
package io.chorus.gateway.metrics;
