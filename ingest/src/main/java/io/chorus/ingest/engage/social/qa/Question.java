package io.chorus.ingest.engage.social.qa;

import io.chorus.ingest.engage.Kv;

/**
 * One question as stored under {@code CODE|qa|q|ID}.
 *
 * @param participant the author's id: moderators see it, the audience never does
 * @param anonymous   whether the audience's view hides the author's name
 * @param status      {@code pending}, {@code published} or {@code dismissed}
 * @param upvotes     the number of {@code CODE|qa|up|ID|PID} keys, kept here so rendering needs no count
 * @param at          the asking command's timestamp
 */
public record Question(String id, String text, String participant, String name, boolean anonymous,
                       String status, boolean pinned, boolean answered, int upvotes, long at) {

    public static final String PENDING = "pending";
    public static final String PUBLISHED = "published";
    public static final String DISMISSED = "dismissed";

    public boolean published() {
        return PUBLISHED.equals(status);
    }

    public Question withUpvotes(int n) {
        return new Question(id, text, participant, name, anonymous, status, pinned, answered, n, at);
    }

    public Question moderated(String newStatus, boolean newPinned, boolean newAnswered) {
        return new Question(id, text, participant, name, anonymous, newStatus, newPinned, newAnswered, upvotes, at);
    }

    public static String key(String code, String id) {
        return Kv.key(code, "qa", "q", id);
    }

    /** The prefix of every question of an event. */
    public static String prefix(String code) {
        return Kv.key(code, "qa", "q", "");
    }

    public static String upvoteKey(String code, String id, String participant) {
        return Kv.key(code, "qa", "up", id, participant);
    }
}
