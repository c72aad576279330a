import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAfter, parsePosition, positionsToken } from '../../.build/src/positions.js';
import { ResumeTracker } from '../../.build/src/resume.js';

const TOPIC = 'q7TqJb1kRM2y0pP1uYt5xA';
const OTHER = 'Ab9xJb1kRM2y0pP1uYt5xA';
const pos = (offset, partition = 7, count = 8, topic = TOPIC) => `${topic}.${partition}.${count}.${offset}`;

test('positions of one log compare by offset, as Kafka longs beyond 2^53', () => {
  assert.equal(isAfter(pos(42), pos(41)), true);
  assert.equal(isAfter(pos(41), pos(41)), false);
  assert.equal(isAfter(pos(40), pos(41)), false);
  assert.equal(isAfter(pos(0), pos(-1)), true);
  assert.equal(isAfter(pos('9007199254740993'), pos('9007199254740992')), true);
  assert.equal(isAfter(pos(10), pos(9)), true, 'numeric, not text order');
});

test('a position on another log (topic, partition or partition count) always passes', () => {
  assert.equal(isAfter(pos(1, 7, 8, OTHER), pos(50)), true);
  assert.equal(isAfter(pos(1, 3), pos(50)), true);
  assert.equal(isAfter(pos(1, 7, 16), pos(50)), true);
});

test('positions this SDK cannot read compare by text only', () => {
  assert.equal(parsePosition('not-a-position'), undefined);
  assert.equal(isAfter('x.1', 'x.1'), false);
  assert.equal(isAfter('x.2', 'x.1'), true);
});

test('the positions token has one entry per channel, empty for live, and is omitted when all are live', () => {
  assert.equal(positionsToken([pos(41), undefined, pos(3, 1)]), `${pos(41)},,${pos(3, 1)}`);
  assert.equal(positionsToken([undefined, undefined]), undefined);
});

test('the tracker drops anything at or below the last delivered position, per channel', () => {
  const t = new ResumeTracker();
  t.reset('a', pos(10));
  assert.equal(t.accept('a', pos(11)), true);
  assert.equal(t.accept('a', pos(11)), false, 'a repeat');
  assert.equal(t.accept('a', pos(9)), false, 'an older one');
  assert.equal(t.accept('b', pos(5)), true, 'another channel has its own mark');
  assert.equal(t.accept('a', pos(12)), true);
  assert.equal(t.last('a'), pos(12));
  assert.equal(t.last('b'), pos(5));
});

test('advance never moves the mark back; reset does (a continuity break)', () => {
  const t = new ResumeTracker();
  t.reset('a', pos(20));
  t.advance('a', pos(15));
  assert.equal(t.last('a'), pos(20));
  t.advance('a', pos(25));
  assert.equal(t.last('a'), pos(25));
  t.reset('a', pos(-1, 7, 8, OTHER));
  assert.equal(t.accept('a', pos(0, 7, 8, OTHER)), true);
});
