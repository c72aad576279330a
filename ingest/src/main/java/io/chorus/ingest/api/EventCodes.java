package io.chorus.ingest.api;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Event codes (ENGAGE.md): 6 characters from an alphabet without I, O, 0 and 1, which people misread
 * on a projector. 30^6 is about 729 million codes; a new one is drawn until the registry does not
 * know it.
 */
final class EventCodes {

    static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    static final int LENGTH = 6;
    private static final Pattern CODE = Pattern.compile("[" + ALPHABET + "]{" + LENGTH + "}");
    private static final int ATTEMPTS = 20;

    private final SecureRandom random = new SecureRandom();

    /** A code {@code taken} does not know, or null after {@value #ATTEMPTS} draws (a nearly full space). */
    String fresh(Predicate<String> taken) {
        for (int i = 0; i < ATTEMPTS; i++) {
            char[] c = new char[LENGTH];
            for (int j = 0; j < LENGTH; j++) {
                c[j] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            String code = new String(c);
            if (!taken.test(code)) {
                return code;
            }
        }
        return null;
    }

    /** The code as typed (any case, surrounding spaces), normalized; null when it cannot be a code. */
    static String normalize(String typed) {
        if (typed == null) {
            return null;
        }
        String code = typed.strip().toUpperCase(Locale.ROOT);
        return CODE.matcher(code).matches() ? code : null;
    }
}
