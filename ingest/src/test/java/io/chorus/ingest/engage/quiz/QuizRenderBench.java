package io.chorus.ingest.engage.quiz;

/**
 * What the leaderboards cost with many participants: run by hand,
 * {@code java -cp ... io.chorus.ingest.engage.quiz.QuizRenderBench [participants]}; not a test, so no
 * figure ends up in an assertion. MemoryKv stores JSON bytes and decodes on every read, like the
 * runtime's store, so decoding is in the figures; RocksDB iteration comes on top.
 */
public final class QuizRenderBench {

    private QuizRenderBench() {
    }

    public static void main(String[] args) {
        int participants = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        for (int run = 0; run < 3; run++) {
            QuizFixture quiz = QuizFixture.standard();
            quiz.next(0);
            String[] choices = {"A", "B", "C", "D"};
            long t0 = System.nanoTime();
            for (int p = 0; p < participants; p++) {
                quiz.answer("participant-" + p, 0, choices[p % 4], p % 10_000);
            }
            long t1 = System.nanoTime();
            long duringQuestion = timeRenders(quiz, 20);
            long t2 = System.nanoTime();
            quiz.reveal(10_000);
            long t3 = System.nanoTime();
            long afterReveal = timeRenders(quiz, 20);
            // the stored boards were made for the revealed question: asking for another state scans
            long t4 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Leaderboards.of(new QuizKeys(quiz.activity), new Visibility(0, false, false), quiz.ctx(0));
            }
            long scanned = (System.nanoTime() - t4) / 5;
            if (run == 2) {
                System.out.printf("%d participants, %d keys: answer %.1f µs; quiz.reveal %.0f ms;"
                                + " render %.2f ms open, %.2f ms revealed, %.0f ms when scanned at render%n",
                        participants, quiz.kv.size(), (t1 - t0) / 1e3 / participants, (t3 - t2) / 1e6,
                        duringQuestion / 1e6, afterReveal / 1e6, scanned / 1e6);
            }
        }
    }

    private static long timeRenders(QuizFixture quiz, int runs) {
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            quiz.snapshot();
        }
        return (System.nanoTime() - start) / runs;
    }
}
