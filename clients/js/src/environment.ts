/**
 * What the SDK learns from a browser: online/offline events, page visibility, localStorage. Every
 * probe is guarded, so the same code runs in Node, workers and browsers.
 */

export interface EnvironmentEvents {
  online(): void;
  offline(): void;
  visible(): void;
}

interface EventTargetLike {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}

const g = globalThis as unknown as {
  addEventListener?: EventTargetLike['addEventListener'];
  removeEventListener?: EventTargetLike['removeEventListener'];
  navigator?: { onLine?: boolean };
  document?: EventTargetLike & { visibilityState?: string };
  localStorage?: Storage;
};

/** True only when the platform says so; unknown counts as online. */
export function isOffline(): boolean {
  return g.navigator?.onLine === false;
}

/** Subscribes to the platform's events; returns the function that unsubscribes. */
export function watchEnvironment(events: EnvironmentEvents): () => void {
  const undo: Array<() => void> = [];
  const listen = (target: EventTargetLike | undefined, type: string, fn: () => void) => {
    if (!target || typeof target.addEventListener !== 'function') return;
    target.addEventListener(type, fn);
    undo.push(() => target.removeEventListener(type, fn));
  };
  const win = typeof g.addEventListener === 'function' ? (g as unknown as EventTargetLike) : undefined;
  listen(win, 'online', () => events.online());
  listen(win, 'offline', () => events.offline());
  const doc = g.document;
  listen(doc, 'visibilitychange', () => {
    if (doc?.visibilityState === 'visible') events.visible();
  });
  return () => undo.forEach((fn) => fn());
}

/** localStorage when the platform has one that works (it throws in some privacy modes). */
export function defaultStorage(): Pick<Storage, 'getItem' | 'setItem'> | undefined {
  try {
    const s = g.localStorage;
    if (!s) return undefined;
    s.getItem('chorus');
    return s;
  } catch {
    return undefined;
  }
}
