package io.chorus.ingest.engage.social.chat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The default {@link ChatFilter}: refuses a message that contains a configured word or phrase as whole
 * words, in any case. Text is NFKC-normalized first, so full-width or styled letters do not slip by,
 * and split on anything that is not a letter or a digit, so "Spam!" matches "spam" but "spammer" does not.
 */
public final class BlockedWords implements ChatFilter {

    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Blocked phrases (each a sequence of words) by their first word. */
    private final Map<String, List<String[]>> byFirstWord = new HashMap<>();

    public BlockedWords(List<String> words) {
        for (String w : words) {
            String[] phrase = words(w);
            if (phrase.length > 0) {
                byFirstWord.computeIfAbsent(phrase[0], k -> new ArrayList<>()).add(phrase);
            }
        }
    }

    @Override
    public String check(String text) {
        if (byFirstWord.isEmpty()) {
            return null;
        }
        String[] words = words(text);
        for (int i = 0; i < words.length; i++) {
            for (String[] phrase : byFirstWord.getOrDefault(words[i], List.of())) {
                if (startsAt(words, i, phrase)) {
                    return "the message contains a blocked word";
                }
            }
        }
        return null;
    }

    private static boolean startsAt(String[] words, int at, String[] phrase) {
        if (at + phrase.length > words.length) {
            return false;
        }
        for (int j = 0; j < phrase.length; j++) {
            if (!words[at + j].equals(phrase[j])) {
                return false;
            }
        }
        return true;
    }

    private static String[] words(String text) {
        String norm = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return SEPARATORS.splitAsStream(norm).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
