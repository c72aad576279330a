import { Chorus } from '../index.js';
import { LiveQuiz } from './activity.js';
import type { CommandOptions } from './commands.js';
import { EngageError } from './errors.js';
import { EventBase } from './event-base.js';
import { type JoinAnswer, JoinApi, JoinStore, checkCode } from './join-api.js';
import { SessionCore, resolveEngageOptions } from './session.js';
import { type ConnectOptions, apiBase, fetchOf, startSession, storageOf } from './start.js';

export interface JoinOptions extends ConnectOptions {
  /** The event code (case and surrounding spaces do not matter). */
  readonly code: string;
  /** The display name, 1..40 characters. */
  readonly name: string;
}

/**
 * A participant in a live event: everything the audience sees, and their commands. `activity(id)`
 * gives a poll (`vote`, `onResults`...), `quiz(id)` the same object seen as a quiz.
 */
export class LiveEvent extends EventBase<LiveQuiz> {
  constructor(core: SessionCore) {
    super(core);
  }

  /** A quiz: `answer`, `team`, `question`, `remainingMs`. */
  quiz(id: string): LiveQuiz {
    return super.activity(id);
  }

  /** `react`: one of the event's reactions; over the rate limit: `rate_limited`. */
  react(emoji: string, options?: CommandOptions): Promise<void> {
    return this.core.send({ type: 'react', emoji }, options);
  }

  /** The same as leave(). */
  close(): void {
    this.leave();
  }

  protected makeActivity(id: string): LiveQuiz {
    return new LiveQuiz(this.core, id);
  }
}

/**
 * Joins an event as a participant: `POST /engage/join` (sending back the token stored for this
 * code, so a reload keeps the participant id), connects, subscribes `engage:CODE` and
 * `engage-me:CODE:PID` with rewind (a late joiner gets the current state at once), and sends
 * `participant.join`. Rejects with an EngageError (`unknown_event`, `invalid_request`, `banned`,
 * `limit_reached`, `timeout`...) and leaves nothing running then.
 */
export async function joinEvent(options: JoinOptions): Promise<LiveEvent> {
  const code = checkCode(options.code);
  const name = checkName(options.name);
  const api = new JoinApi(apiBase(options.url), fetchOf(options));
  const store = new JoinStore(storageOf(options));
  const first = await joinKeepingId(api, store, code, name);
  const client = new Chorus({ ...options.chorus, url: options.url, authCallback: renewing(api, store, code, name, first) });
  const core = new SessionCore(client, code, first.participant, resolveEngageOptions(options), `engage-in:${code}`);
  core.roomPresence.enterAs(name); // before start: the room replayed from engage-me is entered again
  await startSession(core, true, () => core.send({ type: 'participant.join', name }));
  return new LiveEvent(core);
}

/**
 * Follows an event without taking part (a projector, a dashboard): a token from the join API kept
 * apart from a participant's, no `participant.join`, so it is not counted as a participant.
 */
export async function watchEvent(options: ConnectOptions & { readonly code: string; readonly name?: string }): Promise<LiveEvent> {
  const code = checkCode(options.code);
  const name = checkName(options.name ?? 'screen');
  const api = new JoinApi(apiBase(options.url), fetchOf(options));
  const store = new JoinStore(storageOf(options), 'chorus.engage.watch.');
  const first = await joinKeepingId(api, store, code, name);
  const client = new Chorus({ ...options.chorus, url: options.url, authCallback: renewing(api, store, code, name, first) });
  const core = new SessionCore(client, code, first.participant, resolveEngageOptions(options), `engage-in:${code}`);
  await startSession(core, false, () => Promise.resolve());
  return new LiveEvent(core);
}

export function checkName(name: unknown): string {
  const n = typeof name === 'string' ? name.trim() : '';
  if (n.length < 1 || [...n].length > 40) throw new EngageError('invalid_request', 'a name is 1 to 40 characters');
  return n;
}

/** Joins with the stored token if any; a stored token the API refuses is dropped and a new id taken. */
async function joinKeepingId(api: JoinApi, store: JoinStore, code: string, name: string): Promise<JoinAnswer> {
  const stored = store.get(code);
  let answer: JoinAnswer;
  try {
    answer = await api.join(code, name, stored?.token);
  } catch (e) {
    if (!stored || (e as EngageError).code !== 'token_invalid') throw e;
    store.remove(code);
    answer = await api.join(code, name);
  }
  store.put(code, { token: answer.token, participant: answer.participant, name });
  return answer;
}

/**
 * The Chorus token callback: the join token first, then, whenever the SDK needs a new one (expiry
 * near, the server's auth_expiring, a refusal), a rejoin with the current token, which the API
 * answers with a fresh token for the same participant.
 */
function renewing(api: JoinApi, store: JoinStore, code: string, name: string, first: JoinAnswer): () => Promise<string> {
  let fresh: string | undefined = first.token;
  let current = first.token;
  return async () => {
    if (fresh !== undefined) {
      const t = fresh;
      fresh = undefined;
      return t;
    }
    const next = await api.join(code, name, current);
    current = next.token;
    store.put(code, { token: next.token, participant: next.participant, name });
    return next.token;
  };
}
