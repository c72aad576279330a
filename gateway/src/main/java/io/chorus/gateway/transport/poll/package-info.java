/** Long-polling at {@code /v1/poll}: one short-lived {@link io.chorus.gateway.session.StreamSession} per request. */
package io.chorus.gateway.transport.poll;
