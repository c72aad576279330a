package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The rules of one kind of activity ({@code choice}, {@code rating}, {@code ranking},
 * {@code wordcloud}, {@code text}, {@code quiz}). The lifecycle (create, open, close, reveal, rerun) is
 * common and lives outside; a kind checks definitions, applies its participants' commands to an open
 * activity, and renders its part of the activity snapshot. Its state lives under keys beginning
 * {@code CODE|<kind's prefix>|ACTIVITY|ROUND|}, so a new round starts empty.
 */
public interface ActivityKind {

    /** The {@code kind} of {@code activity.create}. */
    String kind();

    /**
     * Checks the kind's fields of an {@code activity.create} command and returns the definition to store
     * (only the fields the kind knows, normalized). Refuses with {@code invalid_command} or
     * {@code limit_reached}.
     */
    ObjectNode define(ObjectNode command, Limits limits);

    /** The participant command types it handles ({@code poll.vote}, {@code quiz.answer}, ...). */
    Set<String> types();

    /** Applies a participant's command to an activity (open, or refused by the caller before). */
    void apply(Command command, Activity activity, Engagement ctx);

    /**
     * A staff command only this kind knows ({@code quiz.next}, {@code quiz.reveal}); the default refuses it.
     */
    default void control(Command command, Activity activity, Engagement ctx) {
        throw new Refusal(EngageError.INVALID_COMMAND, "'" + command.type() + "' does not apply to a "
                + kind() + " activity");
    }

    /** The staff command types {@link #control} handles. */
    default Set<String> controlTypes() {
        return Set.of();
    }

    /**
     * Adds this kind's fields to the activity's snapshot: {@code responses}, and {@code results} when
     * {@code resultsVisible}; the definition as the audience may see it (a quiz hides answers).
     */
    void render(Activity activity, boolean resultsVisible, ObjectNode snapshot, Engagement ctx);

    /** The participant's own response in this round, for their {@code you} message (null if none). */
    ObjectNode responseOf(Activity activity, String participant, Engagement ctx);

    /**
     * The key prefixes holding {@code activity}'s state of its current round (each ending in {@code |}).
     * When a new round starts, the runtime deletes what lies under them in the background
     * ({@link Effects#forget}), so reruns do not pile up old rounds.
     */
    default List<String> roundPrefixes(Activity activity) {
        return List.of();
    }
}
