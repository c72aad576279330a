// Mints HS256 JWTs the way a customer's backend would (node:crypto only), for gateways started with
// CHORUS_AUTH_HMAC_SECRET = SECRET. Mirrors gateway TestTokens.hs256.
import { createHmac } from 'node:crypto';

export const SECRET = 'test-secret-that-is-long-enough-for-hs256';

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token for `sub` that expires `expiresInSeconds` from now, allowing every operation everywhere. */
export function hs256(sub, expiresInSeconds, { caps = { '*': ['subscribe', 'publish', 'presence', 'history'] }, secret = SECRET } = {}) {
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ sub, exp: Math.floor(Date.now() / 1000) + expiresInSeconds, chorus: caps });
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** The environment of a gateway that verifies these tokens (warning 2 s before expiry, no clock skew). */
export const AUTH_ENV = { CHORUS_AUTH_HMAC_SECRET: SECRET, CHORUS_AUTH_EXPIRY_WARNING: '2s', CHORUS_AUTH_CLOCK_SKEW: '0s' };
