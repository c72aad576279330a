import { type Clock, Timer } from '../clock.js';
import type { ChorusError } from '../errors.js';
import { EngageError, isEngageErrorCode } from './errors.js';
import { isObject } from './wire.js';

/** A command as ENGAGE.md defines it: `type` and its fields. */
export interface Command {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface CommandOptions {
  /** The command id (the publish id). Give the same id to retry a command you sent before. */
  readonly id?: string;
  /** Overrides commandTimeoutMs for this command. */
  readonly timeoutMs?: number;
}

export interface CommandsConfig {
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Commands waiting for their reply before send() fails fast with `busy`. */
  readonly maxPending: number;
  /** Replies remembered for retries of commands that already timed out. */
  readonly maxRecentReplies: number;
  /** ENGAGE.md's command bytes limit; larger commands fail at once with `too_large`. */
  readonly maxCommandBytes: number;
  newId(): string;
  publish(channel: string, data: Command, id: string): Promise<string>;
}

interface Pending {
  readonly id: string;
  readonly timer: Timer;
  /** The same command again with the same id, for the error's retry(). */
  readonly retry: () => Promise<void>;
  resolve(): void;
  reject(error: EngageError): void;
  readonly promise: Promise<void>;
}

interface ReplyOutcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly retryAfterMs?: number;
}

const encoder = new TextEncoder();

/** Marks a promise handled (see track()) and returns it: `await` still throws. */
export function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * Commands and their replies. A command is a publish whose id is the command id; its outcome comes
 * later as a `reply` with that id on the participant's engage-me channel, which may arrive before
 * the gateway's ack (different topics). So the command waits here from the moment it is sent.
 *
 * A retry reuses the id, and ingest applies an id once per event and participant; the gateway may
 * also answer a retried publish as a duplicate without writing it, so no second reply would come:
 * recent replies are kept (bounded) and a retry of an answered command settles from them at once.
 * A retry while the first publish still waits for its ack does not publish again.
 */
export class Commands {
  private readonly pending = new Map<string, Pending>();
  private readonly recent = new Map<string, ReplyOutcome>();
  private readonly unacked = new Set<string>();
  private closed = false;

  constructor(private readonly config: CommandsConfig) {}

  get size(): number {
    return this.pending.size;
  }

  send(channel: string, command: Command, options: CommandOptions = {}): Promise<void> {
    const id = options.id ?? this.config.newId();
    const retry = () => this.send(channel, command, { ...options, id });
    if (this.closed) return Promise.reject(new EngageError('closed', 'the event is closed', { commandId: id }));
    const known = this.recent.get(id);
    if (known) return this.settled(known, id, retry);
    const waiting = this.pending.get(id);
    if (waiting) return waiting.promise;
    const bytes = encoder.encode(JSON.stringify(command)).length;
    if (bytes > this.config.maxCommandBytes) {
      return Promise.reject(new EngageError('too_large', `the command is ${bytes} bytes; the limit is ${this.config.maxCommandBytes}`, { commandId: id }));
    }
    if (this.pending.size >= this.config.maxPending) {
      return Promise.reject(new EngageError('busy', `${this.config.maxPending} commands are already waiting for their reply`, { commandId: id }));
    }
    const p = this.track(id, options.timeoutMs ?? this.config.timeoutMs, retry);
    if (!this.unacked.has(id)) {
      this.unacked.add(id);
      this.config.publish(channel, command, id).then(
        () => this.unacked.delete(id),
        (error: ChorusError) => {
          this.unacked.delete(id);
          this.fail(id, notDelivered(error, id, retry));
        },
      );
    }
    return p;
  }

  /** Feeds a message of engage-me; anything but a well-formed reply is ignored. */
  onMessage(data: unknown): void {
    if (!isObject(data) || data.type !== 'reply' || typeof data.id !== 'string') return;
    const error = isObject(data.error) ? data.error : undefined;
    const outcome: ReplyOutcome = data.ok === true
      ? { ok: true }
      : {
          ok: false,
          code: typeof error?.code === 'string' ? error.code : undefined,
          message: typeof error?.message === 'string' ? error.message : undefined,
          retryAfterMs: num(error?.retryAfterMs) ?? num(data.retryAfterMs),
        };
    this.remember(data.id, outcome);
    const p = this.pending.get(data.id);
    if (!p) return;
    this.pending.delete(data.id);
    p.timer.cancel();
    if (outcome.ok) p.resolve();
    else p.reject(refusal(outcome, data.id, p.retry));
  }

  /** Every waiting command fails with `closed`; later sends too. */
  close(): void {
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.fail(id, new EngageError('closed', 'the event was closed before the reply came', { commandId: id }));
  }

  private track(id: string, timeoutMs: number, retry: () => Promise<void>): Promise<void> {
    let resolve!: () => void;
    let reject!: (e: EngageError) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Marked handled, as the core SDK's publishes are: a fire-and-forget reaction that times out must
    // not crash Node with an unhandled rejection; `await` still throws.
    handled(promise);
    const timer = new Timer(this.config.clock);
    this.pending.set(id, { id, timer, retry, promise, resolve, reject });
    timer.set(timeoutMs, () => this.fail(id, new EngageError('timeout', `no reply to the command within ${timeoutMs} ms; retry() sends it again with the same id`, { commandId: id, retry })));
    return promise;
  }

  private fail(id: string, error: EngageError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.timer.cancel();
    p.reject(error);
  }

  private settled(outcome: ReplyOutcome, id: string, retry: () => Promise<void>): Promise<void> {
    return outcome.ok ? Promise.resolve() : Promise.reject(refusal(outcome, id, retry));
  }

  private remember(id: string, outcome: ReplyOutcome): void {
    this.recent.delete(id);
    this.recent.set(id, outcome);
    if (this.recent.size > this.config.maxRecentReplies) this.recent.delete(this.recent.keys().next().value as string);
  }
}

function refusal(outcome: ReplyOutcome, id: string, retry: () => Promise<void>): EngageError {
  const message = outcome.message ?? `refused: ${outcome.code ?? 'no code'}`;
  if (isEngageErrorCode(outcome.code)) return new EngageError(outcome.code, message, { commandId: id, retryAfterMs: outcome.retryAfterMs, retry });
  return new EngageError('unexpected', message, { commandId: id, serverCode: outcome.code, retry, retryable: false });
}


/** The gateway refused or could not take the publish; keep the codes ENGAGE.md also uses. */
function notDelivered(error: ChorusError, id: string, retry: () => Promise<void>): EngageError {
  const details = { commandId: id, cause: error, retry, retryAfterMs: error?.retryAfterMs };
  const name = error?.name;
  if (name === 'forbidden' || name === 'publish_not_allowed') return new EngageError('forbidden', error.message, { ...details, retryable: false });
  if (name === 'rate_limited') return new EngageError('rate_limited', error.message, details);
  if (name === 'message_too_large') return new EngageError('too_large', error.message, { ...details, retryable: false });
  if (name === 'client_closed') return new EngageError('closed', error.message, { ...details, retryable: false });
  return new EngageError('not_delivered', error?.message ?? String(error), { ...details, retryable: error?.retryable ?? false });
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}
