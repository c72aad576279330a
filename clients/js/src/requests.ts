import { clientError } from './errors.js';
import { type Http, channelPath } from './transports/http.js';
import type { RequestFrame, Transport } from './transports/transport.js';

/** What a channel's presence and occupancy need from their client. */
export interface FeatureHost {
  readonly http: Http | undefined;
  /** Makes the channel's server subscription carry presence or occupancy, or no longer. */
  want(feature: 'presence' | 'occupancy', on: boolean): void;
  /** The transport in use while connected. */
  transport(): Transport | undefined;
  isTerminal(): boolean;
  onListenerError(error: unknown): void;
}

/**
 * A one-time read of a channel's state (PROTOCOL.md `presence` and `occupancy` requests and their
 * REST twins): on the WebSocket when it is in use, else `GET /v1/channels/{channel}/{resource}`,
 * which works on any transport and while disconnected. A WebSocket that drops before answering
 * hands the read to REST rather than failing it.
 */
export function readChannelState<T>(host: FeatureHost, channel: string, resource: 'presence' | 'occupancy'): Promise<T> {
  if (host.isTerminal()) return Promise.reject(clientError('client_closed', 'the client is closed'));
  const rest = (): Promise<T> =>
    host.http
      ? host.http.json<T>(channelPath(channel, resource))
      : Promise.reject(clientError('connection_failed', `reading ${resource} needs fetch or a WebSocket connection`));
  const t = host.transport();
  if (t?.kind !== 'websocket') return rest();
  return new Promise<T>((resolve, reject) => {
    const frame: RequestFrame = { type: resource, channel };
    t.request(frame, (outcome) => {
      if ('reply' in outcome) {
        const { type: _type, ref: _ref, ...body } = outcome.reply;
        resolve(body as T);
      } else if ('error' in outcome) {
        reject(outcome.error);
      } else {
        rest().then(resolve, reject);
      }
    });
  });
}
