package io.chorus.gateway.transport.ably;

/** A request refused with an Ably error: the translator answers it as a NACK, ERROR or DETACHED. */
public final class AblyRefusal extends RuntimeException {

    private final AblyError error;

    public AblyRefusal(AblyError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public AblyError error() {
        return error;
    }
}
