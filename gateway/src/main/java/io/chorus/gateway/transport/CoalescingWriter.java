package io.chorus.gateway.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;

/**
 * Writes into one socket's Netty pipeline without flushing; the event loop's {@link Flusher} flushes it
 * once per batch, and it flushes by itself once it holds {@link Flusher#FLUSH_BYTES}. Every message of
 * the socket enters Netty's one outbound buffer in the order written, so a write that flushes later
 * (Vert.x's own: a close, the end of a response) sends these first. Touched only on its event loop.
 */
public final class CoalescingWriter implements Flusher.Target {

    private final ChannelHandlerContext chctx;
    private final ChannelPromise voidPromise;
    private final Flusher flusher;
    private boolean dirty;
    private int unflushed;

    /** {@code chctx}: the context to write from (messages pass the handlers before it, towards the socket). */
    public CoalescingWriter(ChannelHandlerContext chctx, Flusher flusher) {
        this.chctx = chctx;
        this.flusher = flusher;
        // Like Vert.x's own: a failed write (socket closed under us) is not an exception event; the
        // close handler cleans up.
        this.voidPromise = new VoidChannelPromise(chctx.channel(), false);
    }

    /** Writes {@code msg}, which holds {@code bytes}, to be flushed with the batch. */
    public void write(Object msg, int bytes) {
        unflushed += bytes;
        chctx.write(msg, voidPromise);
        if (unflushed >= Flusher.FLUSH_BYTES) {
            unflushed = 0;
            chctx.flush(); // stays on the flusher's list if it is there: one more flush is harmless
        } else if (!dirty) {
            dirty = true;
            flusher.dirty(this);
        }
    }

    @Override
    public void flushNow() {
        dirty = false;
        if (unflushed > 0) {
            unflushed = 0;
            chctx.flush();
        }
    }
}
