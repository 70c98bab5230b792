// ig-embed/consent/usercentrics: Usercentrics' consent for one service drives the gate (issue 16), V2 and V3 events.
import '../../../widget/index.js';
import { connectUsercentrics } from '../../../widget/consent/usercentrics.js';
import { describeAdapter, recorder } from '../support/adapter-suite.js';
import { UsercentricsStub } from '../support/cmp-stubs/usercentrics.js';
import { deepEqual, equal, thrown } from '../support/helpers.js';

for (const version of [2, 3] as const) {
  describeAdapter(`Usercentrics V${version}`, () => {
    const usercentrics = new UsercentricsStub({ version });
    return {
      connect: () => connectUsercentrics(),
      load: (stored) => usercentrics.load(stored === undefined ? undefined : { 'Instagram Content': stored, 'Google Maps': true }),
      decide: (allow) => usercentrics.save({ 'Instagram Content': allow }),
      remove: () => usercentrics.remove(),
    };
  });
}

describe('connectUsercentrics options', () => {
  let usercentrics: UsercentricsStub | undefined;
  afterEach(() => usercentrics?.remove());

  it('follows the service "Instagram Content" by default: other services neither grant nor revoke', () => {
    usercentrics = new UsercentricsStub();
    const gate = recorder();
    const disconnect = connectUsercentrics({ element: gate.element });
    usercentrics.load();
    usercentrics.save({ 'Google Maps': true });
    usercentrics.save({ 'Instagram Content': true });
    usercentrics.save({ 'Google Maps': false });
    usercentrics.save({ 'Instagram Content': false });
    deepEqual(gate.calls, ['grant', 'revoke'], 'calls');
    disconnect();
  });

  for (const version of [2, 3] as const) {
    it(`follows the service and the window event the site configured (V${version})`, () => {
      usercentrics = new UsercentricsStub({ version, event: 'myConsentEvent', services: ['Instagram', 'Instagram Content'] });
      const gate = recorder();
      const disconnect = connectUsercentrics({ service: 'Instagram', event: 'myConsentEvent', element: gate.element });
      usercentrics.load();
      usercentrics.save({ 'Instagram Content': true });
      usercentrics.save({ Instagram: true });
      deepEqual(gate.calls, ['grant'], 'calls');
      disconnect();
    });
  }

  it('listens to V3\'s UC_CONSENT as well, read as V3\'s services', () => {
    usercentrics = new UsercentricsStub();
    const gate = recorder();
    const disconnect = connectUsercentrics({ element: gate.element });
    usercentrics.dispatchRaw('UC_CONSENT', { services: { abc: { name: 'Instagram Content', consent: { given: true } } } });
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('reads a V2 CMP that initialised before the adapter connected from UC_UI.getServicesBaseInfo()', () => {
    usercentrics = new UsercentricsStub({ version: 2 });
    usercentrics.load({ 'Instagram Content': true });
    const gate = recorder();
    const disconnect = connectUsercentrics({ element: gate.element });
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('reads a V3 CMP that initialised before the adapter connected from __ucCmp.getConsentDetails()', async () => {
    usercentrics = new UsercentricsStub({ version: 3 });
    usercentrics.load({ 'Instagram Content': true });
    const gate = recorder();
    const disconnect = connectUsercentrics({ element: gate.element });
    equal(usercentrics.reads.length, 1, 'reads');
    await usercentrics.reads[0];
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
  });

  it('drops a getConsentDetails() answer that arrives after a newer event', async () => {
    usercentrics = new UsercentricsStub({ version: 3 });
    usercentrics.load({ 'Instagram Content': true });
    const gate = recorder();
    const disconnect = connectUsercentrics({ element: gate.element });
    // The visitor grants and withdraws before the read resolves: the read's older yes must not win.
    usercentrics.save({ 'Instagram Content': true });
    usercentrics.save({ 'Instagram Content': false });
    await usercentrics.reads[0];
    deepEqual(gate.calls, ['grant', 'revoke'], 'calls');
    disconnect();
  });

  it('stops following once disconnected', () => {
    usercentrics = new UsercentricsStub();
    const gate = recorder();
    connectUsercentrics({ element: gate.element })();
    usercentrics.load({ 'Instagram Content': true });
    deepEqual(gate.calls, [], 'calls');
  });

  it('throws a TypeError for a service name that is not a string', () => {
    equal(thrown(() => connectUsercentrics({ service: 42 as unknown as string })), 'TypeError: connectUsercentrics: service must be a string (got 42)', 'error');
  });
});
