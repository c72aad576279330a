import { type Clock, Timer } from '../clock.js';
import { EngageError } from './errors.js';
import { isObject } from './wire.js';

export type Listener<T> = (value: T) => void;

/**
 * A value that changes: `value` is the latest, `on` calls the listener with it at once (if there is
 * one) and with every later value, so a screen that attaches late still draws the current state.
 * A listener that throws goes to `onListenerError` and does not stop the others.
 */
export class Observable<T> {
  private current: T | undefined;
  private readonly listeners = new Set<Listener<T>>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  get value(): T | undefined {
    return this.current;
  }

  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    if (this.current !== undefined) this.call(listener, this.current);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The current value, or the next one; rejects with `timeout` after `timeoutMs`. */
  first(clock: Clock, timeoutMs: number, what: string): Promise<T> {
    if (this.current !== undefined) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = new Timer(clock);
      const off = this.on((v) => {
        off();
        timer.cancel();
        resolve(v);
      });
      timer.set(timeoutMs, () => {
        off();
        reject(new EngageError('timeout', `no ${what} arrived within ${timeoutMs} ms`));
      });
    });
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  set(value: T): void {
    this.current = value;
    for (const l of [...this.listeners]) this.call(l, value);
  }

  private call(listener: Listener<T>, value: T): void {
    try {
      listener(value);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}

/**
 * The latest snapshot of one channel. Snapshots carry `seq`, increasing per channel (ENGAGE.md): one
 * at or below the highest seen is older (a rewind after a reconnect, a replay) and is dropped, so a
 * screen never goes back in time.
 */
export class SnapshotFeed<T extends { readonly seq: number }> extends Observable<T> {
  private seq = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly type: string,
    onListenerError: (error: unknown) => void,
    private readonly onBad: (why: string) => void,
  ) {
    super(onListenerError);
  }

  /** Takes a message's data; false when it was not a newer snapshot of this type. */
  offer(data: unknown): boolean {
    if (!isObject(data) || data.type !== this.type || typeof data.seq !== 'number' || !Number.isFinite(data.seq)) {
      this.onBad(`expected a '${this.type}' snapshot with a numeric seq`);
      return false;
    }
    if (data.seq <= this.seq) return false;
    this.seq = data.seq;
    this.set(data as unknown as T);
    return true;
  }

  get lastSeq(): number | undefined {
    return Number.isFinite(this.seq) ? this.seq : undefined;
  }
}

/** Events rather than state: a listener hears what comes after it was added, nothing replayed. */
export class Signal<T> {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
