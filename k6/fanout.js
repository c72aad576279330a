// Fan-out: SUBSCRIBERS WebSocket clients on one channel, a publisher at RATE messages/s over HTTP.
// Measures delivery latency (Kafka timestamp to arrival), subscribe success, duplicates.
//   k6 run -e CHORUS_URL=https://live.example.com -e CHORUS_HMAC_SECRET=... k6/fanout.js
import http from 'k6/http';
import { check } from 'k6';
import { setTimeout } from 'k6/timers';
import { BASE, Client, seconds, token } from './lib/chorus.js';

const CHANNEL = __ENV.CHANNEL || `k6:fanout-${Date.now().toString(36)}`;
const SUBSCRIBERS = seconds('SUBSCRIBERS', 1000);
const HOLD = seconds('HOLD', 120);
const RATE = seconds('RATE', 10);

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    subscribers: {
      executor: 'ramping-vus',
      exec: 'subscriber',
      startVUs: 0,
      stages: [{ duration: '30s', target: SUBSCRIBERS }, { duration: `${HOLD}s`, target: SUBSCRIBERS }],
      gracefulRampDown: '10s',
    },
    publisher: {
      executor: 'constant-arrival-rate',
      exec: 'publisher',
      rate: RATE,
      timeUnit: '1s',
      startTime: '30s',
      duration: `${HOLD}s`,
      preAllocatedVUs: 5,
      maxVUs: 50,
    },
  },
  thresholds: {
    chorus_subscribe_ok: ['rate>0.99'],
    chorus_delivery_latency: ['p(50)<100', 'p(99)<500'],
    chorus_duplicates: ['count==0'],
    chorus_unexpected_frames: ['count==0'],
    'http_req_failed{scenario:publisher}': ['rate<0.01'],
    'http_req_duration{scenario:publisher}': ['p(99)<300'],
    checks: ['rate>0.99'],
  },
};

export function subscriber() {
  const client = new Client(token(`k6-sub-${__VU}`, { [CHANNEL]: ['subscribe'] }), () => {
    client.subscribe(CHANNEL);
  });
  // One long connection per VU; the iteration ends when it closes.
  setTimeout(() => client.close(), HOLD * 1000);
}

const publisherToken = token('k6-publisher', { [CHANNEL]: ['publish'] });

export function publisher() {
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json' };
  if (publisherToken) {
    headers.Authorization = `Bearer ${publisherToken}`;
  }
  const res = http.post(`${BASE}/v1/channels/${encodeURIComponent(CHANNEL)}/messages`,
    JSON.stringify({ data: { at: Date.now() }, id: `k6-pub-${__VU}-${__ITER}` }), { headers });
  check(res, { 'publish acknowledged (201)': (r) => r.status === 201 });
}
