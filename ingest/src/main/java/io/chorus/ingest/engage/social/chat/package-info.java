/**
 * Chat: {@code chat.send} (slow mode, the filter, rooms) and {@code chat.delete}. Messages are not
 * state: they go out at once on {@code engage-chat:CODE} or a room's channel, where the gateway keeps
 * their history; ingest keeps only a bounded record of recent message ids to know where a deletion goes.
 */
package io.chorus.ingest.engage.social.chat;
