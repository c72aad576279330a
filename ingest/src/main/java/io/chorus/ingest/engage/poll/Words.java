package io.chorus.ingest.engage.poll;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Word-cloud normalization, so "Kafka", " kafka! " and "ＫＡＦＫＡ" count as one word: NFKC, lower case,
 * whitespace trimmed and collapsed, punctuation around the entry stripped.
 */
final class Words {

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern EDGES = Pattern.compile("^[\\p{P}\\s]+|[\\p{P}\\s]+$");

    private Words() {
    }

    static String normalize(String entry) {
        String s = Normalizer.normalize(entry, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        s = EDGES.matcher(s).replaceAll("");
        return SPACES.matcher(s).replaceAll(" ");
    }

    static int count(String normalized) {
        return normalized.isEmpty() ? 0 : normalized.split(" ").length;
    }
}
