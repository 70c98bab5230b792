// createClientShare on a fake clock: each client spends at most its fraction of the hourly budget, refilled over the hour.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { createClientShare } from '../../proxy/client-share.js';

function setup(fraction: number, perHour: number | (() => number) = 100) {
  let t = 1_000_000;
  const share = createClientShare({ fraction, budgetPerHour: typeof perHour === 'number' ? () => perHour : perHour, now: () => t });
  const spend = (client: string, n: number) => {
    let spent = 0;
    for (let i = 0; i < n && share.check(client) === null; i++, spent++) share.spend(client);
    return spent;
  };
  return { share, spend, advance: (ms: number) => { t += ms; } };
}

describe('per-client share of the budget', () => {
  test('a client may spend its share at once, then waits for one call\'s worth of refill', () => {
    const { share, spend } = setup(0.05);
    assert.equal(spend('a', 100), 5);
    assert.equal(share.check('a'), 720); // 100 × 0.05 = 5 an hour: one every 12 minutes
    assert.equal(spend('b', 100), 5, 'other clients keep their own share');
  });

  test('refills evenly over the hour, never above the share', () => {
    const { spend, advance } = setup(0.05);
    spend('a', 5);
    advance(720_000);
    assert.equal(spend('a', 100), 1);
    advance(10 * 3_600_000);
    assert.equal(spend('a', 100), 5);
  });

  test('a share below one call still allows one call', () => {
    const { spend } = setup(0.01, 50);
    assert.equal(spend('a', 10), 1);
  });

  test('follows the budget when it changes (a rejected token drops it to the tokenless figure)', () => {
    let perHour = 200_000;
    const { spend } = setup(0.05, () => perHour);
    perHour = 900;
    assert.equal(spend('a', 1000), 45);
  });

  test('1 turns the share off', () => {
    const { spend } = setup(1, 10);
    assert.equal(spend('a', 50), 50);
  });
});
