/**
 * The scenarios: {@link io.chorus.bench.scenario.Sweep} (fan-out, many channels and SSE fan-out: a rate
 * sweep until p99 passes a bound), {@link io.chorus.bench.scenario.IdleMemory} and
 * {@link io.chorus.bench.scenario.ResumeStorm}. {@link io.chorus.bench.scenario.Setup} turns the
 * command line into the fleet, the publisher and the server processes they all share. The engagement
 * storms ({@link io.chorus.bench.scenario.VoteStorm}, {@link io.chorus.bench.scenario.ReactionStorm})
 * publish as participants instead, through {@link io.chorus.bench.scenario.EngageSetup}.
 */
package io.chorus.bench.scenario;
