package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The checks every command passes before its handler: the event exists (except {@code event.create}),
 * the sender is not banned (a banned participant may still {@code participant.join}), and some handler
 * knows the type. Pure rules over {@link Kv}, shared by the stream runtime and unit tests.
 */
public final class Dispatcher {

    public static final String EVENT_CREATE = "event.create";
    public static final String PARTICIPANT_JOIN = "participant.join";

    private final Registry registry;

    public Dispatcher(Registry registry) {
        this.registry = registry;
    }

    /** Applies the command or throws: {@link Refusal} for a rule, anything else for a bug. */
    public void apply(Command command, Engagement ctx) {
        Handler handler = registry.handler(command.type());
        if (!EVENT_CREATE.equals(command.type())
                && ctx.kv().get(Kv.key(command.event(), "event"), ObjectNode.class) == null) {
            throw new Refusal(EngageError.UNKNOWN_EVENT, "no event " + command.event());
        }
        if (command.role() == Role.PARTICIPANT && !PARTICIPANT_JOIN.equals(command.type())
                && ctx.kv().get(Kv.key(command.event(), "ban", command.participant()), ObjectNode.class) != null) {
            throw new Refusal(EngageError.BANNED, "you are banned from this event");
        }
        if (handler == null) {
            throw new Refusal(EngageError.INVALID_COMMAND, "unknown command type '" + command.type() + "'");
        }
        handler.apply(command, ctx);
    }
}
