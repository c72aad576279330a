package io.chorus.client;

/**
 * The server's acknowledgement of a publish, sent once Kafka has the record.
 *
 * @param id        the publish id (given or generated)
 * @param position  the record's position
 * @param duplicate true when a record with this id was already on the channel (a retried publish that
 *                  had in fact succeeded); {@code position} is then that record's and nothing new was written
 */
public record PublishResult(String id, String position, boolean duplicate) {
}
