// createKeyBackoff on a fake clock: two failures in a row back a post off for 30 s, doubling to the cap; a success forgets it.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { createKeyBackoff } from '../../proxy/key-backoff.js';

function setup(options = {}) {
  let t = 1_000_000;
  const backoff = createKeyBackoff({ now: () => t, ...options });
  return { backoff, advance: (ms: number) => { t += ms; } };
}

describe('post back-off', () => {
  test('one failure may be chance: the post is asked again at once', () => {
    const { backoff } = setup();
    backoff.record('a', true);
    assert.equal(backoff.check('a'), null);
  });

  test('the second failure in a row backs it off for 30 s, counted down in whole seconds', () => {
    const { backoff, advance } = setup();
    backoff.record('a', true);
    backoff.record('a', true);
    assert.equal(backoff.check('a'), 30);
    advance(29_001);
    assert.equal(backoff.check('a'), 1);
    advance(999);
    assert.equal(backoff.check('a'), null);
    assert.equal(backoff.check('b'), null, 'other posts are not affected');
  });

  test('every further failure doubles the back-off, up to the cap', () => {
    const { backoff, advance } = setup({ maxMs: 100_000 });
    backoff.record('a', true);
    const waits: Array<number | null> = [];
    for (let i = 0; i < 4; i++) {
      backoff.record('a', true);
      waits.push(backoff.check('a'));
      advance(150_000); // past the capped back-off, inside the 2 × cap memory
    }
    assert.deepEqual(waits, [30, 60, 100, 100]);
  });

  test('a success forgets the post\'s failures', () => {
    const { backoff } = setup();
    backoff.record('a', true);
    assert.equal(backoff.failing('a'), true);
    backoff.record('a', false);
    assert.equal(backoff.failing('a'), false);
    backoff.record('a', true);
    assert.equal(backoff.check('a'), null);
  });

  test('memory is bounded: the least recently failing post is forgotten', () => {
    const { backoff } = setup({ maxKeys: 2 });
    for (const key of ['a', 'a', 'b', 'c']) backoff.record(key, true);
    assert.equal(backoff.check('a'), null);
  });
});
