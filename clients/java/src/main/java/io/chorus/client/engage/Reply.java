package io.chorus.client.engage;

/**
 * Ingest's {@code ok} reply to a command (a refusal fails the future with {@link EngageException}).
 *
 * @param commandId the command's id: the one given, or the generated one
 */
public record Reply(String commandId) {
}
