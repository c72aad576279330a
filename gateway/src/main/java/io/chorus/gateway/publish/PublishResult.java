package io.chorus.gateway.publish;

/** The acknowledged record: its id and position; {@code duplicate} when an earlier attempt wrote it. */
public record PublishResult(String id, String position, boolean duplicate) {

    PublishResult asDuplicate() {
        return new PublishResult(id, position, true);
    }
}
