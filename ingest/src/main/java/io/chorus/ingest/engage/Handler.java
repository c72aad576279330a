package io.chorus.ingest.engage;

import java.util.Set;

/** Applies commands of the types it names. Refuses with {@link Refusal} before changing anything. */
public interface Handler {

    Set<String> types();

    void apply(Command command, Engagement ctx);
}
