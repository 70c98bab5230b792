// createBreaker on a fake clock: when it opens (failing posts, not failing calls), for how long, the single half-open probe, and recovery.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { createBreaker, type BreakerOptions, type BreakerState } from '../../proxy/breaker.js';
import type { GraphOutcome } from '../../proxy/graph-client.js';

const OK: GraphOutcome = { kind: 'ok', oembed: { version: '1.0', type: 'rich', provider_name: 'Instagram', provider_url: 'https://www.instagram.com/', width: 658, html: '<blockquote></blockquote>' } };
const TRANSIENT: GraphOutcome = { kind: 'transient' };

function setup(options: BreakerOptions = {}) {
  let clock = 1_000_000;
  const changes: Array<[BreakerState, number]> = [];
  // random() = 0.5 → no jitter, so durations are exact unless a test overrides it.
  const breaker = createBreaker({ now: () => clock, random: () => 0.5, onStateChange: (s, r) => changes.push([s, r]), ...options });
  return {
    breaker,
    changes,
    advance(ms: number) {
      clock += ms;
    },
    /** Lets `n` calls for `n` different posts through and reports `outcome` for each. */
    fail(n: number, outcome: GraphOutcome = TRANSIENT, post = (i: number) => `post-${i}`) {
      for (let i = 0; i < n; i += 1) {
        assert.equal(breaker.acquire(), null);
        breaker.record(outcome, post(i));
      }
    },
  };
}

describe('closed', () => {
  test('lets every call through and reports no wait', () => {
    const { breaker } = setup();
    assert.deepEqual([breaker.acquire(), breaker.acquire(), breaker.state, breaker.retryAfterSeconds], [null, null, 'closed', 0]);
  });

  test('two failing posts keep it closed; a third within 30 s opens it, successes in between or not', () => {
    const { breaker, fail } = setup();
    fail(2);
    assert.equal(breaker.state, 'closed');
    breaker.record(OK, 'p');
    breaker.acquire();
    breaker.record(TRANSIENT, 'post-9');
    assert.equal(breaker.state, 'open');
  });

  test('one post failing any number of times never opens it: that is the post\'s back-off', () => {
    const { breaker, fail } = setup();
    fail(50, TRANSIENT, () => 'the-same-post');
    assert.equal(breaker.state, 'closed');
  });

  test('failing posts more than 30 s apart do not add up', () => {
    const { breaker, advance } = setup();
    for (const post of ['a', 'b', 'c', 'd']) {
      breaker.record(TRANSIENT, post);
      advance(15_001);
    }
    assert.equal(breaker.state, 'closed');
  });

  test('answers that mean "upstream is up", and answers only we find unusable, never count as failures', () => {
    const { breaker } = setup();
    for (const kind of ['not_embeddable', 'invalid_url', 'invalid_param', 'error', 'invalid'] as const) {
      for (let i = 0; i < 5; i += 1) breaker.record({ kind }, `post-${i}`);
    }
    assert.equal(breaker.state, 'closed');
  });
});

describe('opening', () => {
  for (const kind of ['transient', 'timeout'] as const) {
    test(`${kind} outcomes for three different posts within 30 s open it for 10 s`, () => {
      const { breaker, fail, advance } = setup();
      fail(3, { kind });
      assert.deepEqual([breaker.state, breaker.acquire(), breaker.retryAfterSeconds], ['open', 10, 10]);
      advance(9_001);
      assert.equal(breaker.acquire(), 1);
    });
  }

  test('rate_limited opens it at once for the time Meta asked', () => {
    const { breaker } = setup();
    breaker.record({ kind: 'rate_limited', retryAfterSeconds: 60 }, 'p');
    assert.deepEqual([breaker.state, breaker.acquire()], ['open', 60]);
  });

  test('a shorter rate limit never shortens a longer wait already in force', () => {
    const { breaker } = setup();
    breaker.record({ kind: 'rate_limited', retryAfterSeconds: 3600 }, 'p');
    breaker.record({ kind: 'rate_limited', retryAfterSeconds: 60 }, 'p');
    assert.equal(breaker.acquire(), 3600);
    breaker.record({ kind: 'rate_limited', retryAfterSeconds: 7200 }, 'p');
    assert.equal(breaker.acquire(), 7200);
  });

  test('late failures from calls started before opening do not extend it', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    advance(5_000);
    breaker.record(TRANSIENT, 'p');
    breaker.record(TRANSIENT, 'p');
    assert.equal(breaker.acquire(), 5);
  });

  test('while open, the wait counts down in whole seconds, never below 1', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    advance(1);
    assert.equal(breaker.acquire(), 10);
    advance(8_998);
    assert.equal(breaker.acquire(), 2);
    advance(500);
    assert.equal(breaker.acquire(), 1);
    advance(500);
    assert.equal(breaker.acquire(), 1);
  });
});

describe('half-open probe', () => {
  test('when the time is up exactly one caller gets through; the others wait until it reports', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    advance(10_000);
    assert.equal(breaker.state, 'half_open');
    assert.deepEqual([breaker.acquire(), breaker.acquire(), breaker.acquire()], [null, 1, 1]);
    assert.equal(breaker.retryAfterSeconds, 1);
  });

  test('a successful probe closes it and resets the back-off', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    advance(10_000);
    assert.equal(breaker.acquire(), null);
    breaker.record(OK, 'p');
    assert.deepEqual([breaker.state, breaker.acquire(), breaker.acquire(), breaker.retryAfterSeconds], ['closed', null, null, 0]);
    fail(3);
    assert.equal(breaker.acquire(), 10);
  });

  test('a not_embeddable probe also closes it: upstream answered', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    advance(10_000);
    breaker.acquire();
    breaker.record({ kind: 'not_embeddable' }, 'p');
    assert.equal(breaker.state, 'closed');
  });

  test('each failed probe re-opens it for twice as long, up to the cap', () => {
    const { breaker, fail, advance } = setup({ maxOpenMs: 60_000 });
    fail(3);
    const waits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      advance(60_000);
      assert.equal(breaker.acquire(), null);
      breaker.record({ kind: 'timeout' }, 'p');
      waits.push(breaker.acquire() ?? 0);
    }
    assert.deepEqual(waits, [20, 40, 60, 60, 60]);
  });

  test('a rate-limited probe re-opens it for the time Meta asked', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    advance(10_000);
    breaker.acquire();
    breaker.record({ kind: 'rate_limited', retryAfterSeconds: 120 }, 'p');
    assert.deepEqual([breaker.state, breaker.acquire()], ['open', 120]);
  });

  test('a probe that never reports frees the slot after probeTimeoutMs', () => {
    const { breaker, fail, advance } = setup({ probeTimeoutMs: 30_000 });
    fail(3);
    advance(10_000);
    assert.deepEqual([breaker.acquire(), breaker.acquire()], [null, 1]);
    advance(30_000);
    assert.deepEqual([breaker.acquire(), breaker.acquire()], [null, 1]);
  });
});

describe('jitter and state changes', () => {
  test('open periods vary by ±20 % with random()', () => {
    const low = setup({ random: () => 0 });
    low.fail(3);
    const high = setup({ random: () => 0.999 });
    high.fail(3);
    assert.deepEqual([low.breaker.acquire(), high.breaker.acquire()], [8, 12]);
  });

  test('onStateChange reports open, half_open and closed once each, in order', () => {
    const { breaker, fail, advance, changes } = setup();
    fail(3);
    advance(10_000);
    breaker.acquire();
    breaker.record(OK, 'p');
    assert.deepEqual(changes, [['open', 10], ['half_open', 1], ['closed', 0]]);
  });
});

describe('the fleet: another replica\'s pause and probe', () => {
  test('pause(ms) opens it for that long, and never shortens a longer wait already in force', () => {
    const { breaker, advance, changes } = setup();
    breaker.pause(2500);
    assert.deepEqual([breaker.state, breaker.acquire()], ['open', 3]);
    breaker.record({ kind: 'rate_limited', retryAfterSeconds: 3600 }, 'p');
    breaker.pause(2000);
    assert.equal(breaker.acquire(), 3600);
    advance(3_600_000);
    assert.equal(breaker.state, 'half_open');
    assert.deepEqual(changes.map(([s]) => s), ['open', 'open', 'half_open']);
  });

  test('release() frees a probe slot that was not used, so the next caller gets it', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    advance(10_000);
    assert.deepEqual([breaker.acquire(), breaker.acquire()], [null, 1]);
    breaker.release();
    assert.deepEqual([breaker.acquire(), breaker.acquire()], [null, 1]);
  });

  test('resume() closes a half-open breaker (another replica\'s probe was answered) but not an open one', () => {
    const { breaker, fail, advance } = setup();
    fail(3);
    breaker.resume();
    assert.equal(breaker.state, 'open');
    advance(10_000);
    breaker.resume();
    assert.deepEqual([breaker.state, breaker.acquire(), breaker.acquire()], ['closed', null, null]);
  });
});
