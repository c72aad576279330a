package io.chorus.ingest.engage.quiz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.ActivityKind;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import java.util.List;
import java.util.Set;

/**
 * The quiz kind (ENGAGE.md): register it with the runtime beside the poll kinds. The quiz's own
 * visibility comes from {@code quiz.reveal}, not from the activity's {@code results} setting: that
 * setting only decides when the leaderboards and team totals ({@code results}) are in the snapshot.
 */
public final class QuizKind implements ActivityKind {

    public static final String KIND = "quiz";
    public static final String ANSWER = "quiz.answer";
    public static final String TEAM = "quiz.team";
    public static final String NEXT = "quiz.next";
    public static final String REVEAL = "quiz.reveal";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ObjectNode define(ObjectNode command, Limits limits) {
        return QuizDefinition.define(command, limits);
    }

    @Override
    public Set<String> types() {
        return Set.of(ANSWER, TEAM);
    }

    @Override
    public void apply(Command command, Activity activity, Engagement ctx) {
        switch (command.type()) {
            case ANSWER -> Answers.answer(command, activity, ctx);
            case TEAM -> Answers.team(command, activity, ctx);
            default -> throw new Refusal(EngageError.INVALID_COMMAND, "'" + command.type()
                    + "' does not apply to a quiz");
        }
    }

    @Override
    public Set<String> controlTypes() {
        return Set.of(NEXT, REVEAL);
    }

    @Override
    public void control(Command command, Activity activity, Engagement ctx) {
        switch (command.type()) {
            case NEXT -> HostControls.next(command, activity, ctx);
            case REVEAL -> HostControls.reveal(command, activity, ctx);
            default -> ActivityKind.super.control(command, activity, ctx);
        }
    }

    @Override
    public void render(Activity activity, boolean resultsVisible, ObjectNode snapshot, Engagement ctx) {
        QuizSnapshot.render(activity, resultsVisible, snapshot, ctx);
    }

    @Override
    public List<String> roundPrefixes(Activity activity) {
        return List.of(new QuizKeys(activity).round());
    }

    @Override
    public ObjectNode responseOf(Activity activity, String participant, Engagement ctx) {
        return QuizSnapshot.responseOf(activity, participant, ctx);
    }
}
