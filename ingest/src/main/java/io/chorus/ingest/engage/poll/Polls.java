package io.chorus.ingest.engage.poll;

import io.chorus.ingest.engage.ActivityKind;
import java.util.List;

/** The poll kinds, as the registry adds them. */
public final class Polls {

    private Polls() {
    }

    public static List<ActivityKind> kinds(List<String> blockedWords) {
        BlockedWords blocked = new BlockedWords(blockedWords);
        return List.of(new ChoiceKind(), new RatingKind(), new RankingKind(), new WordCloudKind(blocked),
                new TextKind(blocked));
    }
}
