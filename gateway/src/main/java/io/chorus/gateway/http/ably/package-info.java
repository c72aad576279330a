/**
 * Ably's REST API as ably-js calls it (ABLY.md): time, history with Link pagination, publish, presence
 * get and token requests; every other such request (it carries {@code X-Ably-Version}) is answered with
 * Ably's error format, never a page of another API.
 */
package io.chorus.gateway.http.ably;
