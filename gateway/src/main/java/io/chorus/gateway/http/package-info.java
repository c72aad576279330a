/**
 * The REST API (channel history and publish, presence and occupancy reads), liveness, readiness and
 * the Prometheus scrape; {@code Credentials} and {@code HttpErrors}, which the transports use too.
 */
package io.chorus.gateway.http;
