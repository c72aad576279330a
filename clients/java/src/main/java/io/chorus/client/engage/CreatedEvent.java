package io.chorus.client.engage;

/**
 * The join API's answer to {@code POST /engage/events}. Keep {@code hostToken}: it is the only way to
 * host the event ({@link Engage#host}) and to export it.
 *
 * @param host      the host token's {@code sub}; replies come on {@code engage-me:CODE:HOST}
 * @param expiresAt the host token's expiry, epoch ms
 * @param joinUrl   the link for the audience
 */
public record CreatedEvent(String code, String title, String hostToken, String host, long expiresAt, String joinUrl) {

    @Override
    public String toString() {
        return "CreatedEvent[code=" + code + ", title=" + title + ", host=" + host + ", expiresAt=" + expiresAt
                + ", joinUrl=" + joinUrl + ", hostToken=***]";
    }
}
