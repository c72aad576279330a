/**
 * Long-polling at {@code /v1/poll}: one short-lived {@link io.chorus.gateway.session.Session} per
 * request, whose {@code PollTransport} collects the answer.
 */
package io.chorus.gateway.transport.poll;
