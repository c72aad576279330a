package io.chorus.client.engage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Timeouts that fire only when the test says so. */
final class ManualTimeouts implements Timeouts {

    private record Task(Duration delay, Runnable run, boolean[] cancelled) {
    }

    private final List<Task> tasks = new ArrayList<>();

    @Override
    public synchronized Runnable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(delay, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task not cancelled; returns how many ran. */
    int fireAll() {
        List<Task> due;
        synchronized (this) {
            due = new ArrayList<>(tasks);
            tasks.clear();
        }
        int n = 0;
        for (Task t : due) {
            if (!t.cancelled()[0]) {
                t.run().run();
                n++;
            }
        }
        return n;
    }

    synchronized int live() {
        return (int) tasks.stream().filter(t -> !t.cancelled()[0]).count();
    }
}
