package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The connection as its parts ({@link AblyChannels}, {@link AblyPublishFlow}) see it: the session one
 * way, the client the other, and the connection's end. The translator implements it, so a part never
 * holds the translator itself, and a refusal the session gives while a request is being handed over
 * still finds that request (the translator remembers which one it is handing over).
 */
interface AblyLink {

    /** A request frame for the session, with the ref its answer will carry. */
    void toSession(String ref, ObjectNode frame);

    /** A ProtocolMessage for the client; dropped once the connection ended. */
    void toClient(String protocolMessage);

    /** A connection-level ERROR (the client's connection FAILS, RTN14g, RTN15c4), then the socket closes. */
    void fail(AblyError error);

    /** DISCONNECTED (the client reconnects, RTN15h), then the socket closes. */
    void disconnect(AblyError error);

    boolean ended();
}
