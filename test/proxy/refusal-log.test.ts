// createRefusalLog: one line per refused origin per minute, cut to a bounded length, remembering a bounded number of origins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../proxy/log.js';
import { createRefusalLog, MAX_LOGGED_ORIGIN } from '../../proxy/refusal-log.js';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  let t = 0;
  const note = createRefusalLog({
    log: createLogger({ secrets: [], write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
    now: () => t,
  });
  return { lines, note, advance: (ms: number) => { t += ms; } };
}

test('once per origin per minute, with the id of the request that was logged', () => {
  const { lines, note, advance } = setup();
  note('https://a.example', 'r1');
  note('https://a.example', 'r2');
  note('https://b.example', 'r3');
  advance(59_999);
  note('https://a.example', 'r4');
  advance(1);
  note('https://a.example', 'r5');
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.id, l.origin]), [
    ['warn', 'origin refused', 'r1', 'https://a.example'],
    ['warn', 'origin refused', 'r3', 'https://b.example'],
    ['warn', 'origin refused', 'r5', 'https://a.example'],
  ]);
});

test('a long origin is cut to MAX_LOGGED_ORIGIN characters plus "…", and its variants past the cut count as one', () => {
  const { lines, note } = setup();
  const long = `https://${'x'.repeat(500)}`;
  note(`${long}1`, 'r1');
  note(`${long}2`, 'r2');
  assert.deepEqual(lines.map((l) => l.origin), [`${long.slice(0, MAX_LOGGED_ORIGIN)}…`]);
});

test('memory is bounded: past 1,000 origins the one logged longest ago is forgotten, the others stay quiet', () => {
  const { lines, note } = setup();
  for (let i = 0; i <= 1000; i++) note(`https://o${i}.example`, `r${i}`);
  assert.equal(lines.length, 1001);
  note('https://o1.example', 'again');
  note('https://o0.example', 'again');
  assert.deepEqual(lines.slice(1001).map((l) => l.origin), ['https://o0.example']);
});
