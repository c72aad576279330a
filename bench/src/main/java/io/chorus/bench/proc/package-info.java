/**
 * The server side as the operating system sees it: CPU time ({@code utime + stime} from
 * {@code /proc/PID/stat}) and memory ({@code /proc/PID/status}) of named processes, and, for JVMs,
 * heap after a full GC and native memory by category through {@code jcmd}.
 */
package io.chorus.bench.proc;
