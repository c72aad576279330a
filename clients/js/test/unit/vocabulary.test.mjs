// The SDK's error and close-code tables are generated from schema/vocabulary.json (which the server's
// enums write); these fail when src/vocabulary.ts was edited by hand or not regenerated.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ChorusError } from '../../.build/src/errors.js';
import * as generated from '../../.build/src/vocabulary.js';
import { TARGET, closeConstant, readVocabulary, render } from '../../scripts/vocabulary.mjs';

const vocabulary = readVocabulary();

test('src/vocabulary.ts is exactly what scripts/vocabulary.mjs writes from schema/vocabulary.json', () => {
  assert.equal(readFileSync(TARGET, 'utf8'), render(vocabulary),
    'src/vocabulary.ts is stale or hand-edited: run `node scripts/vocabulary.mjs` (npm run build does too)');
});

test('every server error becomes a ChorusError with its code, HTTP status and retryable', () => {
  assert.equal(Object.keys(generated.SERVER_ERRORS).length, vocabulary.errors.length);
  for (const e of vocabulary.errors) {
    const error = new ChorusError(e.name, 'from the server');
    assert.deepEqual([error.code, error.status, error.retryable], [e.code, e.httpStatus, e.retryable], e.name);
  }
});

test('every close reason has its constant, inside the range of its kind', () => {
  const { reconnect, terminal } = vocabulary.closeRanges;
  assert.deepEqual([generated.CLOSE_RECONNECT_FIRST, generated.CLOSE_RECONNECT_LAST], reconnect);
  assert.deepEqual([generated.CLOSE_TERMINAL_FIRST, generated.CLOSE_TERMINAL_LAST], terminal);
  for (const r of vocabulary.closeReasons) {
    assert.equal(generated[closeConstant(r.name)], r.code, r.name);
    const [first, last] = r.reconnect ? reconnect : terminal;
    assert.ok(r.code >= first && r.code <= last, `${r.name} ${r.code} outside [${first}, ${last}]`);
  }
});
