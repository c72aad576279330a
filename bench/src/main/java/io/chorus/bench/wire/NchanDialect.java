package io.chorus.bench.wire;

import io.vertx.core.buffer.Buffer;

/**
 * Nchan's WebSocket subscriber ({@code /sub/<channel>}, or {@code /sub/<a>/<b>} for a multiplexed
 * two-channel subscription; see bench/peers/nchan/nginx.conf.template). The subscription exists once
 * the upgrade succeeds, and every text frame is a published message body as it was posted.
 */
final class NchanDialect implements Dialect {

    @Override
    public String uri(Conn c) {
        StringBuilder sb = new StringBuilder("/sub");
        for (int i = 0; i < c.channelCount(); i++) {
            sb.append('/').append(c.channelName(i));
        }
        return sb.toString();
    }

    @Override
    public void opened(Conn c) {
        for (int i = 0; i < c.channelCount(); i++) {
            c.subscribed(i, null, null);
        }
    }

    @Override
    public void frame(Conn c, Buffer frame) {
        c.payload(frame, 0);
    }

    @Override
    public boolean resumable() {
        return false;
    }
}
