/**
 * Presence (who is on a channel) and occupancy (how many) across pods. Each pod is the authority for
 * its own connections: {@link io.chorus.gateway.presence.LocalPresence} holds them and writes the pod's
 * share of a channel to the presence topic as one {@link io.chorus.gateway.presence.ShareRecord}
 * (the whole share, so records can be lost or repeated without harm). Every pod reads every share into
 * a {@link io.chorus.gateway.presence.PresenceView}, which merges them per client id, applies the grace
 * period and the leases, and says what changed. {@link io.chorus.gateway.presence.PresenceService}
 * runs it on one thread and tells the watching connections.
 */
package io.chorus.gateway.presence;
