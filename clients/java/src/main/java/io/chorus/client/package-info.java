/**
 * The Chorus Java client: one {@link io.chorus.client.ChorusClient} per gateway connection, built with
 * {@link io.chorus.client.ChorusClient#builder}. It subscribes to channels and resumes them after a
 * reconnect without gaps or duplicates, publishes with ids that make retries safe, keeps its token
 * fresh in band, enters channels' presence and hears members and counts
 * ({@link io.chorus.client.PresenceListener}, {@link io.chorus.client.OccupancyListener}), and
 * reconnects with exponential backoff and full jitter ({@link io.chorus.client.Backoff}).
 *
 * <p>Threading: every callback (messages, state changes, errors) and every future this package returns
 * is completed on one delivery thread per client, in the order the events happened. The wire protocol
 * is {@code PROTOCOL.md} at the root of the repository; the implementation lives in
 * {@code io.chorus.client.internal} and is not API.
 */
package io.chorus.client;
