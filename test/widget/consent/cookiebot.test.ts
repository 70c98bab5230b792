// ig-embed/consent/cookiebot: Cookiebot's answer for one category drives the gate (issue 16).
import '../../../widget/index.js';
import { connectCookiebot } from '../../../widget/consent/cookiebot.js';
import { describeAdapter, recorder } from '../support/adapter-suite.js';
import { CookiebotStub } from '../support/cmp-stubs/cookiebot.js';
import { deepEqual, equal, thrown } from '../support/helpers.js';

describeAdapter('Cookiebot', () => {
  const cookiebot = new CookiebotStub();
  return {
    connect: () => connectCookiebot(),
    load: (stored) => cookiebot.load(stored === undefined ? undefined : { marketing: stored, statistics: true }),
    decide: (allow) => cookiebot.submit({ marketing: allow, statistics: true }),
    remove: () => cookiebot.remove(),
  };
});

describe('connectCookiebot options', () => {
  const cookiebot = new CookiebotStub();
  afterEach(() => cookiebot.remove());

  it('follows the marketing category by default: other categories neither grant nor revoke', () => {
    const gate = recorder();
    const disconnect = connectCookiebot({ element: gate.element });
    cookiebot.load();
    cookiebot.submit({ statistics: true, preferences: true });
    cookiebot.submit({ marketing: true });
    cookiebot.submit({ marketing: true, statistics: false });
    cookiebot.submit({});
    deepEqual(gate.calls, ['grant', 'revoke'], 'calls');
    disconnect();
  });

  it('follows the category it is given', () => {
    const gate = recorder();
    const disconnect = connectCookiebot({ category: 'preferences', element: gate.element });
    cookiebot.load({ marketing: true });
    cookiebot.submit({ preferences: true });
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('reads a choice Cookiebot loaded before the adapter connected, without waiting for an event', () => {
    cookiebot.load({ marketing: true });
    const gate = recorder();
    const disconnect = connectCookiebot({ element: gate.element });
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('stops following once disconnected', () => {
    const gate = recorder();
    connectCookiebot({ element: gate.element })();
    cookiebot.load({ marketing: true });
    deepEqual(gate.calls, [], 'calls');
  });

  it('throws a TypeError naming a category Cookiebot does not have', () => {
    equal(thrown(() => connectCookiebot({ category: 'social' })), 'TypeError: connectCookiebot: category must be one of necessary, preferences, statistics, marketing (got "social")', 'error');
  });
});
