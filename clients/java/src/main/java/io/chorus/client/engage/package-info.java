/**
 * The engagement API for backends (ENGAGE.md at the root of the repository): {@link
 * io.chorus.client.engage.Engage} creates and joins events through the join API; a {@link
 * io.chorus.client.engage.Host} sends the staff commands over the gateway and completes each with
 * ingest's reply, reads snapshots ({@link io.chorus.client.engage.SnapshotFeed}, highest {@code seq}
 * wins) and exports responses. Errors are one enumeration, {@link io.chorus.client.engage.EngageErrorCode}.
 * Built on {@link io.chorus.client.ChorusClient}; nothing here knows sockets.
 */
package io.chorus.client.engage;
