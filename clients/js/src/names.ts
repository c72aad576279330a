import { ChorusError } from './errors.js';
import { parsePosition } from './positions.js';

/**
 * Client-side checks of what the server would refuse anyway, so that a bad channel, id or name fails
 * at once with the same error code instead of after a round trip (or, on SSE, as an unreadable HTTP
 * error: EventSource hides the status and body of a refused request).
 */

const CHANNEL = /^[A-Za-z0-9_\-:.@/]{1,200}$/;
const PUBLISH_ID = /^[A-Za-z0-9_\-:.@/=+]{1,128}$/;

export function channelProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'channel name is empty';
  if (!CHANNEL.test(name)) {
    return name.length > 200
      ? 'channel name is longer than 200 bytes'
      : 'channel name has a character outside [A-Za-z0-9_-:.@/]';
  }
  const colon = name.indexOf(':');
  if (colon === 0) return 'channel name has an empty namespace';
  if (colon === name.length - 1) return 'channel name has nothing after its namespace';
  return undefined;
}

export function checkChannel(name: unknown): asserts name is string {
  const problem = channelProblem(name);
  if (problem) throw new ChorusError('invalid_channel', problem);
}

export function checkPublishId(id: string): void {
  if (!PUBLISH_ID.test(id)) {
    throw new ChorusError('invalid_field', 'id must be 1 to 128 characters of [A-Za-z0-9_-:.@/=+]');
  }
}

export function checkEventName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || new TextEncoder().encode(name).length > 128 || /[\u0000-\u001f]/.test(name)) {
    throw new ChorusError('invalid_field', 'name must be 1 to 128 bytes of UTF-8 without control characters');
  }
}

export function checkPosition(position: string, field: string): void {
  if (!parsePosition(position)) throw new ChorusError('invalid_position', `${field} is not a position`);
}
