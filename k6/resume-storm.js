// Resume storm: CLIENTS subscribers take positions on CHANNELS channels, then all drop at the same
// moment (as when a pod dies) and reconnect with `since`: each must be resumed (no continuity loss)
// and see no message twice. Traffic flows the whole time (a publisher at RATE messages/s).
//   k6 run -e CHORUS_URL=https://live.example.com -e CHORUS_HMAC_SECRET=... k6/resume-storm.js
import http from 'k6/http';
import { check } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { setTimeout } from 'k6/timers';
import { BASE, Client, seconds, token } from './lib/chorus.js';

const CLIENTS = seconds('CLIENTS', 2000);
const CHANNELS = seconds('CHANNELS', 20);
const WARMUP = seconds('WARMUP', 30);
const AFTER = seconds('AFTER', 30);
const RATE = seconds('RATE', 20);
const PREFIX = __ENV.CHANNEL_PREFIX || `k6:resume-${Date.now().toString(36)}`;

const resumed = new Rate('chorus_resumed');
const resumeTime = new Trend('chorus_resume_time', true);

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    clients: { executor: 'per-vu-iterations', exec: 'client', vus: CLIENTS, iterations: 1,
      maxDuration: `${WARMUP + AFTER + 60}s` },
    publisher: { executor: 'constant-arrival-rate', exec: 'publisher', rate: RATE, timeUnit: '1s',
      duration: `${WARMUP + AFTER}s`, preAllocatedVUs: 5, maxVUs: 50 },
  },
  thresholds: {
    chorus_resumed: ['rate>0.999'],
    chorus_resume_time: ['p(95)<2000', 'p(99)<5000'],
    chorus_duplicates: ['count==0'],
    chorus_unexpected_frames: ['count==0'],
    chorus_subscribe_ok: ['rate>0.99'],
    'http_req_failed{scenario:publisher}': ['rate<0.01'],
  },
};

/** The storm's moment, the same for every VU: setup() runs once. */
export function setup() {
  return { stormAt: Date.now() + WARMUP * 1000 };
}

/** @param {number} i */
function channel(i) {
  return `${PREFIX}-${i % CHANNELS}`;
}

/** @param {{stormAt: number}} data */
export function client(data) {
  const ch = channel(__VU);
  const jwt = token(`k6-resume-${__VU}`, { [`${PREFIX}-*`]: ['subscribe'] });
  const first = new Client(jwt, () => first.subscribe(ch, {}, (reply) => {
    // Until a message arrives, the position to resume from is the one subscribed at.
    if (reply.position && !first.lastPosition.has(ch)) {
      first.lastPosition.set(ch, reply.position);
    }
  }));
  setTimeout(() => {
    const since = first.lastPosition.get(ch);
    const last = first.lastOffset.get(ch);
    first.close();
    const started = Date.now();
    const second = new Client(jwt, () => {
      // A client that has not received anything yet resumes from the position it subscribed at.
      second.subscribe(ch, since ? { since } : {}, (reply) => {
        resumeTime.add(Date.now() - started);
        if (since) {
          resumed.add(reply.resumed === true);
        }
      });
    });
    // Offsets after the storm must continue above the last one seen before it.
    if (last !== undefined) {
      second.lastOffset.set(ch, last);
    }
    setTimeout(() => second.close(), AFTER * 1000);
  }, Math.max(0, data.stormAt - Date.now()));
}

const publisherToken = token('k6-publisher', { [`${PREFIX}-*`]: ['publish'] });

export function publisher() {
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json' };
  if (publisherToken) {
    headers.Authorization = `Bearer ${publisherToken}`;
  }
  const res = http.post(`${BASE}/v1/channels/${encodeURIComponent(channel(__ITER))}/messages`,
    JSON.stringify({ data: { i: __ITER }, id: `k6-resume-${__VU}-${__ITER}` }), { headers });
  check(res, { 'publish acknowledged (201)': (r) => r.status === 201 });
}
