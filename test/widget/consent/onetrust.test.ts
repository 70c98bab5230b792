// ig-embed/consent/onetrust: one OneTrust group drives the gate (issue 16).
import '../../../widget/index.js';
import { connectOneTrust } from '../../../widget/consent/onetrust.js';
import { describeAdapter, recorder } from '../support/adapter-suite.js';
import { OneTrustStub } from '../support/cmp-stubs/onetrust.js';
import { deepEqual, equal, thrown } from '../support/helpers.js';

describeAdapter('OneTrust', () => {
  const onetrust = new OneTrustStub();
  const groups = (allow: boolean) => (allow ? ['C0001', 'C0002', 'C0004'] : ['C0001', 'C0002']);
  return {
    connect: () => connectOneTrust(),
    load: (stored) => onetrust.load(stored === undefined ? undefined : groups(stored)),
    decide: (allow) => onetrust.save(groups(allow)),
    remove: () => onetrust.remove(),
  };
});

describe('connectOneTrust options', () => {
  const onetrust = new OneTrustStub();
  afterEach(() => onetrust.remove());

  it('follows the targeting group C0004 by default, from the event\'s list of active groups', () => {
    const gate = recorder();
    const disconnect = connectOneTrust({ element: gate.element });
    onetrust.load();
    onetrust.save(['C0001', 'C0005', 'C00040']);
    onetrust.save(['C0001', 'C0004']);
    onetrust.save(['C0001', 'C0003']);
    deepEqual(gate.calls, ['grant', 'revoke'], 'calls');
    disconnect();
  });

  it('follows the group it is given (the social media group C0005, say)', () => {
    const gate = recorder();
    const disconnect = connectOneTrust({ group: 'C0005', element: gate.element });
    onetrust.load(['C0001', 'C0004']);
    onetrust.save(['C0001', 'C0005']);
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('reads window.OnetrustActiveGroups when OneTrust ran before the adapter connected', () => {
    onetrust.load(['C0001', 'C0004']);
    const gate = recorder();
    const disconnect = connectOneTrust({ element: gate.element });
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('stops following once disconnected', () => {
    const gate = recorder();
    connectOneTrust({ element: gate.element })();
    onetrust.load(['C0001', 'C0004']);
    deepEqual(gate.calls, [], 'calls');
  });

  it('throws a TypeError for a list of groups where one group id belongs', () => {
    equal(thrown(() => connectOneTrust({ group: 'C0004,C0005' })), 'TypeError: connectOneTrust: group must be one group id (got "C0004,C0005")', 'error');
  });
});
