package io.chorus.client.engage;

import java.util.List;

/**
 * One question of a {@link ActivityDefinition.Quiz}.
 *
 * @param correct     the id of the correct option
 * @param timeLimitMs 5000..300000: the deadline is {@code quiz.next}'s time plus this
 */
public record QuizQuestion(String text, List<Option> options, String correct, int timeLimitMs) {

    public QuizQuestion {
        Checks.text(text, "question text");
        options = Checks.options(options, "question options");
        Checks.notNull(correct, "correct");
        if (options.stream().noneMatch(o -> o.id().equals(correct))) {
            throw Checks.invalid("correct " + Checks.quote(correct) + " is not one of the question's options");
        }
        Checks.range(timeLimitMs, 5000, 300_000, "timeLimitMs");
    }
}
