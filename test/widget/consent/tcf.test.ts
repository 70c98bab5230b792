// ig-embed/consent/tcf: an IAB TCF v2.2 CMP's purposes (and Google's Additional Consent for Meta) drive the gate (issue 16).
import '../../../widget/index.js';
import { connectTcf } from '../../../widget/consent/tcf.js';
import { absence, describeAdapter, recorder } from '../support/adapter-suite.js';
import { TcfStub, type TcfChoice } from '../support/cmp-stubs/tcf.js';
import { deepEqual, equal, thrown } from '../support/helpers.js';

const YES: TcfChoice = { purposes: [1, 2, 3], addtlConsent: '2~61.89.2572~dv.' };
const NO: TcfChoice = { purposes: [2], addtlConsent: '2~~dv.89' };

describeAdapter('TCF (a CMP loaded after the adapter, no stub)', () => {
  const cmp = new TcfStub();
  return {
    connect: () => connectTcf(),
    load: (stored) => cmp.load(stored === undefined ? undefined : stored ? YES : NO),
    decide: (allow) => cmp.decide(allow ? YES : NO),
    remove: () => cmp.remove(),
  };
});

describeAdapter('TCF (the IAB stub in the page, the CMP later)', () => {
  const cmp = new TcfStub();
  cmp.installQueueStub();
  return {
    connect: () => connectTcf(),
    load: (stored) => cmp.load(stored === undefined ? undefined : stored ? YES : NO),
    decide: (allow) => cmp.decide(allow ? YES : NO),
    remove: () => cmp.remove(),
  };
});

/** The calls `connectTcf(options)` makes for each choice the visitor saves, in turn. */
function callsFor(options: Parameters<typeof connectTcf>[0], choices: TcfChoice[]): string[] {
  const cmp = new TcfStub();
  const gate = recorder();
  cmp.load();
  const disconnect = connectTcf({ ...options, element: gate.element });
  for (const choice of choices) cmp.decide(choice);
  disconnect();
  cmp.remove();
  return gate.calls;
}

describe('connectTcf options', () => {
  it('requires purpose 1 by default, and as many purposes as it is given', () => {
    deepEqual(callsFor({}, [{ purposes: [2, 3, 4] }, { purposes: [1] }]), ['grant'], 'default');
    deepEqual(callsFor({ purposes: [1, 4] }, [{ purposes: [1] }, { purposes: [4] }, { purposes: [1, 4] }, { purposes: [4] }]), ['grant', 'revoke'], '[1, 4]');
  });

  it('requires Meta (Google ATP 89) among the consented, not merely disclosed, vendors of an Additional Consent string', () => {
    const with89 = (addtlConsent: string) => callsFor({}, [{ purposes: [1], addtlConsent }]);
    deepEqual(with89('2~61.89~dv.33'), ['grant'], 'v2, consented');
    deepEqual(with89('1~35.89.2572'), ['grant'], 'v1');
    deepEqual(with89('2~61.2572~dv.89'), [], 'v2, only disclosed');
    deepEqual(with89('2~189.890~dv.'), [], 'v2, other ids containing 89');
    deepEqual(with89('2~~dv.'), [], 'v2, none');
    deepEqual(callsFor({ googleVendor: 2572 }, [{ purposes: [1], addtlConsent: '2~2572~dv.89' }]), ['grant'], 'googleVendor: 2572');
    deepEqual(callsFor({ googleVendor: false }, [{ purposes: [1], addtlConsent: '2~~dv.' }]), ['grant'], 'googleVendor: false');
    deepEqual(callsFor({}, [{ purposes: [1] }]), ['grant'], 'a CMP without Additional Consent: purposes decide');
  });

  it('allows Instagram when the CMP says the GDPR does not apply to this visitor', () => {
    deepEqual(callsFor({}, [{ purposes: [], gdprApplies: false }]), ['grant'], 'calls');
  });

  it('takes a check of the page\'s own (a CMP\'s custom-vendor API) on top of the purposes', () => {
    let custom = false;
    const check = () => custom;
    const cmp = new TcfStub();
    const gate = recorder();
    cmp.load();
    const disconnect = connectTcf({ check, element: gate.element });
    cmp.decide({ purposes: [1] });
    custom = true;
    cmp.decide({ purposes: [1] });
    cmp.decide({ purposes: [] });
    deepEqual(gate.calls, ['grant', 'revoke'], 'calls');
    disconnect();
    cmp.remove();
  });

  it('ignores cmpuishown: reopening the banner changes nothing until the visitor saves', () => {
    const cmp = new TcfStub();
    const gate = recorder();
    cmp.load({ purposes: [1] });
    const disconnect = connectTcf({ element: gate.element });
    cmp.showUi();
    deepEqual(gate.calls, ['grant'], 'calls');
    disconnect();
    cmp.remove();
  });

  it('removes its listener from the CMP when disconnected', () => {
    const cmp = new TcfStub();
    cmp.load();
    const gate = recorder();
    const disconnect = connectTcf({ element: gate.element });
    equal(cmp.listenerCount, 1, 'listeners while connected');
    disconnect();
    equal(cmp.listenerCount, 0, 'listeners after disconnect');
    cmp.decide({ purposes: [1] });
    deepEqual(gate.calls, [], 'calls');
    cmp.remove();
  });

  it('stops looking for __tcfapi after `wait` ms: a CMP that comes later is not followed', async () => {
    const cmp = new TcfStub();
    const gate = recorder();
    const disconnect = connectTcf({ wait: 200, element: gate.element });
    // Past the wait (and two polling intervals more), the CMP arrives with a yes nobody hears.
    await absence(400);
    cmp.load({ purposes: [1] });
    await absence(250);
    equal(cmp.listenerCount, 0, 'listeners');
    deepEqual(gate.calls, [], 'calls');
    disconnect();
    cmp.remove();
  });

  it('throws a TypeError naming a bad option', () => {
    const message = (options: Parameters<typeof connectTcf>[0]) => thrown(() => connectTcf(options)());
    equal(message({ purposes: [] }), 'TypeError: connectTcf: purposes must be TCF purpose numbers (got [])', 'purposes []');
    equal(message({ purposes: [1, NaN] }), 'TypeError: connectTcf: purposes must be TCF purpose numbers (got [1,null])', 'purposes NaN');
    equal(message({ googleVendor: 8.9 }), 'TypeError: connectTcf: googleVendor must be an ATP id or false (got 8.9)', 'googleVendor');
    equal(message({ wait: -1 }), 'TypeError: connectTcf: wait must be milliseconds (got -1)', 'wait');
  });
});
