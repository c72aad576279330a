/**
 * The engagement API's errors. Refusals come from ingest's `reply` (ENGAGE.md "Commands"), the join
 * API's HTTP errors from ENGAGE.md "Join API", and the SDK adds a few of its own, so an application
 * branches on one `code` union. test/unit/engage-vocabulary checks the lists against ENGAGE.md and
 * ingest's EngageError enum, so they are not copied by hand without a check.
 */

/** The codes of ingest's `reply` errors (ENGAGE.md). */
export const COMMAND_ERRORS = [
  'invalid_command', 'too_large', 'unknown_event', 'unknown_activity', 'activity_exists', 'activity_not_open',
  'wrong_round', 'unknown_option', 'too_many_choices', 'already_voted', 'too_late', 'unknown_question',
  'unknown_team', 'banned', 'slow_mode', 'rate_limited', 'moderated', 'not_in_room', 'limit_reached', 'forbidden',
] as const;

/** The join API's errors (ENGAGE.md "Join API"). */
export const JOIN_ERRORS = [
  'invalid_request', 'token_invalid', 'forbidden', 'unknown_event', 'not_found', 'internal', 'busy', 'kafka_unavailable',
] as const;

/** Errors the SDK detects itself. */
export const SDK_ERRORS = [
  'timeout', // no reply within commandTimeoutMs (the command may still be applied: retry() is safe)
  'not_delivered', // the gateway did not take the publish (`cause` is its ChorusError)
  'busy', // maxPendingCommands commands are already waiting for their reply
  'network_error', // the join API could not be reached or answered something unreadable
  'closed', // the event object was closed
  'unexpected', // ingest answered a code this SDK does not know (`serverCode` has it)
] as const;

export type CommandErrorCode = (typeof COMMAND_ERRORS)[number];
export type JoinErrorCode = (typeof JOIN_ERRORS)[number];
export type SdkErrorCode = (typeof SDK_ERRORS)[number];
export type EngageErrorCode = CommandErrorCode | JoinErrorCode | SdkErrorCode;

const RETRYABLE = new Set<string>(['timeout', 'busy', 'network_error', 'rate_limited', 'slow_mode']);
const KNOWN = new Set<string>([...COMMAND_ERRORS, ...JOIN_ERRORS, ...SDK_ERRORS]);

export function isEngageErrorCode(code: unknown): code is EngageErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}

export interface EngageErrorDetails {
  /** The command's id (the publish id), when the error is about a command. */
  readonly commandId?: string;
  /** Wait at least this long before trying again (slow_mode, rate_limited). */
  readonly retryAfterMs?: number;
  readonly retryable?: boolean;
  /** The underlying error (a ChorusError for not_delivered, a fetch failure for network_error). */
  readonly cause?: unknown;
  /** The code ingest sent, when `code` is 'unexpected'. */
  readonly serverCode?: string;
  /** Sends the same command again with the same id: ingest applies it at most once. */
  readonly retry?: () => Promise<void>;
}

export class EngageError extends Error {
  override readonly name = 'EngageError';
  readonly code: EngageErrorCode;
  readonly retryable: boolean;
  readonly commandId?: string;
  readonly retryAfterMs?: number;
  readonly serverCode?: string;
  override readonly cause?: unknown;
  private readonly again?: () => Promise<void>;

  constructor(code: EngageErrorCode, message: string, details: EngageErrorDetails = {}) {
    super(message);
    this.code = code;
    this.retryable = details.retryable ?? RETRYABLE.has(code);
    this.commandId = details.commandId;
    this.retryAfterMs = details.retryAfterMs;
    this.serverCode = details.serverCode;
    this.cause = details.cause;
    this.again = details.retry;
  }

  /** Sends the failed command again with the same id (exactly once end to end). */
  retry(): Promise<void> {
    if (!this.again) return Promise.reject(new EngageError('invalid_command', 'this error is not about a command that can be retried'));
    return this.again();
  }
}
