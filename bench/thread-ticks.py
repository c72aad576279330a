#!/usr/bin/env python3
"""CPU ticks per thread of running processes over a window, from /proc/PID/task/*/stat.

usage: bench/thread-ticks.py SECONDS PID [PID ...]

Prints, per process, the ticks (utime + stime; usually 100 a second) each thread name spent in the
window and the total as a share of one core. Thread names are cut to 15 characters by the kernel;
digits are folded to N so that pools add up (data-plane-kafka-request-handler-0 .. -7: one line).
"""
import collections
import os
import re
import sys
import time


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
        except OSError:
            continue  # the thread ended meanwhile
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        threads[tid] = (name, int(fields[11]) + int(fields[12]))
    return threads


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    seconds = float(sys.argv[1])
    pids = [int(p) for p in sys.argv[2:]]
    before = {p: snapshot(p) for p in pids}
    time.sleep(seconds)
    after = {p: snapshot(p) for p in pids}
    hz = os.sysconf('SC_CLK_TCK')
    for p in pids:
        by_name = collections.Counter()
        for tid, (name, ticks) in after[p].items():
            by_name[re.sub(r'\d+', 'N', name)] += ticks - before[p].get(tid, (name, 0))[1]
        total = sum(by_name.values())
        print(p, 'total ticks', total, f'= {total / hz / seconds * 100:.2f}% of a core')
        for name, ticks in by_name.most_common(15):
            if ticks:
                print('   ', ticks, name)


main()
