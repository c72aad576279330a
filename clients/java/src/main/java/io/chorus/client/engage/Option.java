package io.chorus.client.engage;

/**
 * One option of a choice poll, a ranking or a quiz question.
 *
 * @param id    {@code [A-Za-z0-9_-]{1,32}}, unique within its list; votes name it
 * @param label what the audience reads
 */
public record Option(String id, String label) {

    public Option {
        Checks.id(id, "option id");
        Checks.text(label, "option label");
    }

    public static Option of(String id, String label) {
        return new Option(id, label);
    }
}
