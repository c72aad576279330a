package io.chorus.client.engage;

/**
 * The join API's answer to {@code POST /engage/join}: a participant token (publish on
 * {@code engage-in:CODE}, read the event) for a bot, a load test, or a kiosk run by a backend.
 *
 * @param participant the token's {@code sub}; the same on a rejoin with the previous token
 * @param expiresAt   epoch ms
 */
public record JoinedEvent(String code, String title, String token, String participant, long expiresAt) {

    @Override
    public String toString() {
        return "JoinedEvent[code=" + code + ", title=" + title + ", participant=" + participant + ", expiresAt="
                + expiresAt + ", token=***]";
    }
}
