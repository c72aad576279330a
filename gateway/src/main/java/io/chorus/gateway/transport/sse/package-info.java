/** Server-Sent Events at {@code /v1/sse}: one {@link io.chorus.gateway.session.StreamSession} per response. */
package io.chorus.gateway.transport.sse;
