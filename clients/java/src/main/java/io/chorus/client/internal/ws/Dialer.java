package io.chorus.client.internal.ws;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Opens the TCP connection a WebSocket runs on: directly, through a SOCKS proxy, or tunnelled through
 * an HTTP proxy with CONNECT; then TLS for wss, with the host name verified. Everything happens before
 * {@code deadline}.
 */
final class Dialer {

    /** Gets the plain socket before it connects, so that an abort can close it mid-connect. */
    interface Registrar {
        void register(Socket raw) throws IOException;
    }

    private Dialer() {
    }

    /** The socket to speak WebSocket on: the TLS socket for wss, else {@code raw} itself. */
    static Socket dial(WsConfig config, URI uri, Deadline deadline, Registrar registrar) throws IOException {
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        String host = host(uri);
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        Proxy proxy = proxyFor(config, secure, host, port);
        Socket raw = proxy.type() == Proxy.Type.SOCKS ? new Socket(proxy) : new Socket();
        registrar.register(raw);
        InetSocketAddress target = proxy.type() == Proxy.Type.DIRECT ? new InetSocketAddress(host, port)
                : proxy.type() == Proxy.Type.SOCKS ? InetSocketAddress.createUnresolved(host, port)
                : (InetSocketAddress) proxy.address();
        raw.connect(target, deadline.remainingMs());
        raw.setTcpNoDelay(true); // frames are written whole: Nagle would only delay them
        if (proxy.type() == Proxy.Type.HTTP) {
            tunnel(raw, host, port, deadline);
        }
        return secure ? tls(config, raw, host, port, deadline) : raw;
    }

    private static Proxy proxyFor(WsConfig config, boolean secure, String host, int port) {
        if (config.proxy() == null) {
            return Proxy.NO_PROXY;
        }
        // ProxySelectors key on http/https URIs, as the JDK's HttpClient asks them for a WebSocket.
        List<Proxy> proxies = config.proxy().select(URI.create((secure ? "https://" : "http://")
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + port));
        return proxies == null || proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0);
    }

    private static void tunnel(Socket raw, String host, int port, Deadline deadline) throws IOException {
        String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        raw.getOutputStream().write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        // Unbuffered on purpose: nothing past the proxy's answer may be read here.
        InputStream in = deadline.guard(raw, raw.getInputStream());
        Handshake.Head head = Handshake.readHead(in);
        if (head.status() / 100 != 2) {
            throw new HandshakeException("the proxy refused to tunnel to " + authority + ": " + head.statusLine(),
                    head.status(), head.headers());
        }
    }

    private static Socket tls(WsConfig config, Socket raw, String host, int port, Deadline deadline)
            throws IOException {
        SSLContext context;
        try {
            context = config.sslContext() != null ? config.sslContext() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no default TLS context", e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        SSLParameters given = config.sslParameters();
        if (given != null) {
            if (given.getProtocols() != null) {
                params.setProtocols(given.getProtocols());
            }
            if (given.getCipherSuites() != null) {
                params.setCipherSuites(given.getCipherSuites());
            }
        }
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        if (!isIpLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(deadline.remainingMs());
        ssl.startHandshake();
        return ssl;
    }

    static String host(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** The one time limit for connect, proxy, TLS and upgrade together. */
    static final class Deadline {
        private final long deadlineNanos;

        Deadline(long timeoutMs) {
            deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
        }

        /** Milliseconds left, at least 1 (0 would mean "no limit" to a socket). */
        int remainingMs() throws SocketTimeoutException {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("the connect timeout passed before the WebSocket was open");
            }
            return (int) Math.min(Integer.MAX_VALUE, left);
        }

        /** {@code in}, with every read limited to the time left. */
        InputStream guard(Socket socket, InputStream in) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    socket.setSoTimeout(remainingMs());
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    socket.setSoTimeout(remainingMs());
                    return in.read(b, off, len);
                }
            };
        }
    }
}
