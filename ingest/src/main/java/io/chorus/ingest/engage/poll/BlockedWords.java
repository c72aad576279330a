package io.chorus.ingest.engage.poll;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured blocked-word filter ({@code engage.blockedWords}): an answer containing a blocked word as
 * a whole word (after the same normalization as word-cloud entries), or equal to a blocked phrase, is
 * refused {@code moderated}.
 */
final class BlockedWords {

    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final Set<String> blocked = new HashSet<>();

    BlockedWords(List<String> words) {
        for (String w : words) {
            String n = Words.normalize(w);
            if (!n.isEmpty()) {
                blocked.add(n);
            }
        }
    }

    boolean blocks(String text) {
        if (blocked.isEmpty()) {
            return false;
        }
        String n = Words.normalize(text);
        if (blocked.contains(n)) {
            return true;
        }
        for (String token : NOT_WORD.split(n)) {
            if (!token.isEmpty() && blocked.contains(token)) {
                return true;
            }
        }
        return false;
    }
}
