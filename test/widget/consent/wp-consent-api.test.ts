// ig-embed/consent/wp-consent-api: the WordPress Consent API's answer for one category drives the gate (issue 16).
import '../../../widget/index.js';
import { connectWpConsentApi } from '../../../widget/consent/wp-consent-api.js';
import { absence, describeAdapter, recorder } from '../support/adapter-suite.js';
import { WpConsentApiStub } from '../support/cmp-stubs/wp-consent-api.js';
import { deepEqual, equal, thrown } from '../support/helpers.js';

// The plugin's script, then the consent management plugin's (opt-in region), as a WordPress page runs them.
describeAdapter('WP Consent API', () => {
  const wp = new WpConsentApiStub();
  return {
    connect: () => connectWpConsentApi(),
    load: (stored) => {
      if (stored !== undefined) wp.stored('marketing', stored ? 'allow' : 'deny');
      wp.load();
      wp.defineConsentType('optin');
    },
    decide: (allow) => wp.set('marketing', allow ? 'allow' : 'deny'),
    remove: () => wp.remove(),
  };
});

describe('connectWpConsentApi options', () => {
  const wp = new WpConsentApiStub();
  afterEach(() => wp.remove());

  it('follows the marketing category by default: other categories neither grant nor revoke', () => {
    wp.load();
    wp.defineConsentType('optin');
    const gate = recorder();
    const disconnect = connectWpConsentApi({ element: gate.element });
    wp.set('statistics', 'allow');
    wp.set('marketing', 'allow');
    wp.set('preferences', 'deny');
    wp.set('marketing', 'deny');
    deepEqual(gate.calls, ['grant', 'revoke'], 'calls');
    disconnect();
  });

  it('follows the category it is given', () => {
    wp.load();
    wp.defineConsentType('optin');
    const gate = recorder();
    const disconnect = connectWpConsentApi({ category: 'functional', element: gate.element });
    wp.set('marketing', 'allow');
    wp.set('functional', 'allow');
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('reads wp_has_consent at connect: an opt-out region without a choice allows, as the API defines', () => {
    wp.load();
    wp.defineConsentType('optout');
    const gate = recorder();
    const disconnect = connectWpConsentApi({ element: gate.element });
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('with waitfor_consent_hook, decides only when the consent management plugin declares the consent type', () => {
    wp.load({ waitforConsentHook: true });
    const gate = recorder();
    const disconnect = connectWpConsentApi({ element: gate.element });
    // Without a consent type wp_has_consent() says yes (no consent management); the plugin says to wait.
    deepEqual(gate.calls, [], 'before the hook');
    wp.stored('marketing', 'deny');
    wp.defineConsentType('optin');
    deepEqual(gate.calls, [], 'an opt-in region, denied');
    wp.set('marketing', 'allow');
    deepEqual(gate.calls, ['grant'], 'allowed');
    disconnect();
  });

  it('looks again for wp_has_consent when the plugin\'s script runs after the adapter', async () => {
    const gate = recorder();
    const disconnect = connectWpConsentApi({ element: gate.element });
    const granted = gate.next();
    // A returning visitor, a site whose consent type comes from its settings: no event, only the function appears.
    wp.stored('marketing', 'allow');
    wp.load({ consentType: 'optin' });
    equal(await granted, 'grant', 'call');
    disconnect();
  });

  it('stops looking for wp_has_consent after `wait` ms; the consent events are still followed', async () => {
    const gate = recorder();
    const disconnect = connectWpConsentApi({ wait: 200, element: gate.element });
    // Past the wait (and two polling intervals more) the API appears with a yes: nobody looks any more.
    await absence(400);
    wp.stored('marketing', 'allow');
    wp.load();
    await absence(250);
    deepEqual(gate.calls, [], 'after the wait');
    wp.set('marketing', 'allow');
    deepEqual(gate.calls, ['grant'], 'a consent change');
    disconnect();
  });

  it('stops following once disconnected', () => {
    wp.load();
    wp.defineConsentType('optin');
    const gate = recorder();
    connectWpConsentApi({ element: gate.element })();
    wp.set('marketing', 'allow');
    deepEqual(gate.calls, [], 'calls');
  });

  it('throws a TypeError naming a bad option', () => {
    equal(thrown(() => connectWpConsentApi({ wait: Infinity })), 'TypeError: connectWpConsentApi: wait must be milliseconds (got null)', 'error');
  });
});
