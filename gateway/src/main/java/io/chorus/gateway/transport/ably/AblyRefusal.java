package io.chorus.gateway.transport.ably;

/** A request refused with an Ably error: the translator answers it as a NACK, ERROR or DETACHED. */
final class AblyRefusal extends RuntimeException {

    private final AblyError error;

    AblyRefusal(AblyError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    AblyError error() {
        return error;
    }
}
