/**
 * The join API of ENGAGE.md over HTTP: create an event (a code and a host token), join it (a
 * participant token whose {@code sub} survives reloads), export its accepted responses. {@link
 * io.chorus.ingest.api.EngageApi} holds the state and mounts the routes on any Vert.x router (the dev
 * launcher puts them on the gateway's port); {@link io.chorus.ingest.api.IngestApi} serves them alone
 * on {@code engage.http.port} in production. Kafka is reached through one producer (create), one
 * registry consumer (the compacted events topic) and one short-lived consumer per export.
 */
package io.chorus.ingest.api;
