/**
 * Protecting the pod: admission of new connections (a cap, a pod-wide and a per-IP rate, refusal
 * while draining) and the token buckets behind every rate limit. Refusals are cheap and say when to
 * retry, so a mass reconnect is spread out instead of amplified.
 */
package io.chorus.gateway.admission;
