package io.chorus.client.engage;

import java.util.Locale;

/**
 * Settings every kind of activity shares (ENGAGE.md {@code activity.create}).
 *
 * @param allowChange a second response replaces the first (else {@code already_voted})
 * @param results     when results are visible
 * @param scope       {@code ROOMS}: also tallied per breakout room
 */
public record ActivitySettings(boolean allowChange, Visibility results, Scope scope) {

    public static final ActivitySettings DEFAULT = new ActivitySettings(false, Visibility.LIVE, Scope.EVENT);

    public ActivitySettings {
        Checks.notNull(results, "results");
        Checks.notNull(scope, "scope");
    }

    public ActivitySettings withAllowChange(boolean allow) {
        return new ActivitySettings(allow, results, scope);
    }

    public ActivitySettings withResults(Visibility visibility) {
        return new ActivitySettings(allowChange, visibility, scope);
    }

    public ActivitySettings withScope(Scope s) {
        return new ActivitySettings(allowChange, results, s);
    }

    /** {@code live}: always; {@code voted}: to those who responded; {@code closed}: from close on. */
    public enum Visibility {
        LIVE, VOTED, CLOSED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Scope {
        EVENT, ROOMS;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
