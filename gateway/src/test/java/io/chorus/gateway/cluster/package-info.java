/**
 * Fault tests beyond one broker and one pod: a broker of a 3-node KRaft cluster killed with SIGKILL
 * under publishing and fan-out, and a rolling restart of three gateway processes under 1,000 clients.
 * Each client here is a raw WebSocket that resumes from its own last position, so that what the
 * gateway sends is checked as sent (the SDKs' own duplicate filter would hide a duplicate).
 */
package io.chorus.gateway.cluster;
