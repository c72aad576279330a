package io.chorus.gateway.transport.ably;

import java.util.function.Function;

/**
 * The query parameters of an Ably connection request (RTN2): the protocol version {@code v} (RTN2f),
 * {@code format} (RTN2a), the credentials {@code key} or {@code accessToken}/{@code access_token}
 * (RTN2e), {@code clientId} (RTN2d), {@code echo} (RTN2b), {@code heartbeats} (RTN23b), and
 * {@code resume}/{@code recover} (RTN15b, RTN16k). Other parameters ({@code agent}, {@code lib}, ...)
 * are ignored, as Ably ignores what it does not know.
 */
record ConnectParams(int version, boolean msgpack, String key, String accessToken, String clientId, boolean echo,
                     boolean heartbeats, String resume) {

    private static final int MAX_PARAM = 8192;

    /** Parses what the client sent; {@link #problem} says whether Chorus can serve it. */
    static ConnectParams parse(Function<String, String> param) {
        String v = param.apply("v");
        int version;
        try {
            version = v == null ? -1 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            version = -1;
        }
        String token = param.apply("accessToken") != null ? param.apply("accessToken") : param.apply("access_token");
        String resume = param.apply("resume") != null ? param.apply("resume") : param.apply("recover");
        return new ConnectParams(version, "msgpack".equals(param.apply("format")), param.apply("key"), token,
                param.apply("clientId"), !"false".equals(param.apply("echo")), "true".equals(param.apply("heartbeats")),
                resume);
    }

    /** Why the connection cannot be served, in the order a client fixes them; null when it can. */
    AblyError problem() {
        if (version < AblyProtocol.MIN_VERSION || version > AblyProtocol.MAX_VERSION) {
            return AblyError.of(AblyCode.UNSUPPORTED_PROTOCOL_VERSION, "protocol version v=" + version
                    + " is not supported; Chorus speaks " + AblyProtocol.MIN_VERSION + " to " + AblyProtocol.MAX_VERSION);
        }
        if (key == null && accessToken == null) {
            return AblyError.of(AblyCode.NO_VALID_AUTHENTICATION_METHOD, "give a key or a token");
        }
        if ((key != null && key.length() > MAX_PARAM) || (clientId != null && clientId.length() > MAX_PARAM)
                || (accessToken != null && accessToken.length() > AblyTokens.MAX_TOKEN_CHARS)) {
            return AblyError.of(AblyCode.INVALID_PARAMETER_VALUE, "a connect parameter is too long");
        }
        return null;
    }
}
