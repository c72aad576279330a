/** The REST API: channel history and publish, health and readiness, Prometheus metrics. */
package io.chorus.gateway.http;
