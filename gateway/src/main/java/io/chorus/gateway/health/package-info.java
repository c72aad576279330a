/** Readiness: whether this pod can serve (Kafka answers in time, not draining), for probes and notices. */
package io.chorus.gateway.health;
