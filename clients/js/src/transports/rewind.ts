import type { TransportContext } from './transport.js';

/**
 * SSE and long-polling have no `rewind` parameter: a channel subscribed with `rewind: N` (and no
 * position yet) gets the last N messages from history, oldest first, and then resumes after the
 * newest of them like any other channel. An empty history leaves it live.
 */
export async function serveRewinds(ctx: TransportContext, isCurrent: () => boolean): Promise<void> {
  for (const spec of ctx.specs()) {
    if (spec.since !== undefined || !spec.rewind) continue;
    const page = await ctx.http.history(spec.name, { limit: spec.rewind });
    if (!isCurrent()) return;
    ctx.sink.rewound(spec.name, [...page.messages].reverse());
  }
}

/** A refused token that no reconnect will fix: the client fails rather than retry forever. */
export function isTerminalAuthError(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'token_required' || name === 'token_invalid' || name === 'token_too_large';
}
