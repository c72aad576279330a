/**
 * Ably's REST API as ably-js calls it (ABLY.md): for now every such request (it carries
 * {@code X-Ably-Version}) is answered with Ably's error format, never a page of another API.
 */
package io.chorus.gateway.http.ably;
