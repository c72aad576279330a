/**
 * Server-Sent Events at {@code /v1/sse}: one {@link io.chorus.gateway.session.Session} per response,
 * written as events by {@code SseTransport}.
 */
package io.chorus.gateway.transport.sse;
