/**
 * Entry `ig-embed/consent/tcf`: an IAB TCF v2.2 / v2.3 consent manager drives the consent gate.
 *
 * The API, as the IAB's CMP API v2 defines it (summarised in OneTrust's "IAB TCF Developer Guide",
 * https://developer.onetrust.com/onetrust/docs/iab-tcf-developer-guide.md): `__tcfapi(command, 2, callback,
 * parameter)`; `addEventListener` calls back now and on every change with `(tcData, success)`, where
 * `tcData.eventStatus` is `tcloaded` (a stored choice was loaded), `cmpuishown` (no decision yet) or
 * `useractioncomplete` (the visitor decided), `tcData.gdprApplies`, `tcData.purpose.consents[id]` and
 * `tcData.listenerId` for `removeEventListener`. `getTCData` is deprecated in v2.2, so it is not used.
 *
 * Meta is no IAB vendor (it has no Global Vendor List id), so the adapter checks purposes (default 1:
 * storing and reading information on the device, which Instagram's iframe does) and, where the CMP
 * supports Google's Additional Consent mode, Meta's Google ATP id (89) in `tcData.addtlConsent`: spec
 * https://support.google.com/admanager/answer/9681920, v1 `1~id.id`, v2 `2~id.id~dv.id` (consented ~
 * disclosed); id 89 for Meta per https://c15t.com/docs/shared/iab-additional-consent.
 */
import { follower, invalid, milliseconds, whenFunction, type ConsentOptions } from './follow.js';

export type { ConsentTarget } from './follow.js';

/** The part of the TCF v2 `TCData` object the adapter reads. */
export interface TcfData {
  eventStatus?: string;
  gdprApplies?: boolean;
  listenerId?: number;
  purpose?: { consents?: Record<string, boolean | undefined> };
  addtlConsent?: string;
}

type TcfApi = (command: string, version: number, callback: (data: TcfData, success: boolean) => void, parameter?: unknown) => void;

export interface TcfOptions extends ConsentOptions {
  /** TCF purposes that must all have consent. Default `[1]`. */
  purposes?: number[];
  /** Google ATP id that must be in the Additional Consent string, when the CMP provides one; `false` (or 0) skips the check. Default 89 (Meta). */
  googleVendor?: number | false;
  /** A further check of your own, e.g. your CMP's custom-vendor API for Instagram: `true` allows. */
  check?: (data: TcfData) => boolean;
  /** Milliseconds to wait for `__tcfapi` to appear when the CMP loads after this adapter. Default 10000. */
  wait?: number;
}

const NAME = 'connectTcf';

function purposeList(value: unknown): number[] {
  return Array.isArray(value) && value.length > 0 && value.every((n) => Number.isInteger(n) && n > 0)
    ? value
    : invalid(NAME, 'purposes', 'TCF purpose numbers', value);
}

/** Whether an Additional Consent string (v1 `1~id.id`, v2 `2~id.id~dv.id`) lists `id` as consented (not merely disclosed). */
export function acConsents(addtlConsent: string, id: number): boolean {
  return (addtlConsent.split('~')[1] ?? '').split('.').includes(String(id));
}

/** What one TCData says about Instagram: `undefined` while the visitor has not decided. */
export function tcfAllows(data: TcfData, purposes: number[], googleVendor: number | false): boolean | undefined {
  if (data.eventStatus !== 'tcloaded' && data.eventStatus !== 'useractioncomplete') return undefined;
  // The CMP says the GDPR does not apply to this visitor: the TCF has nothing to withhold.
  if (data.gdprApplies === false) return true;
  if (!purposes.every((id) => data.purpose?.consents?.[id] === true)) return false;
  if (googleVendor && typeof data.addtlConsent === 'string') return acConsents(data.addtlConsent, googleVendor);
  return true;
}

/**
 * Follows the page's TCF CMP: consent for `purposes` (and Meta in the Additional Consent string, where
 * there is one) grants, its withdrawal revokes. Waits up to `wait` ms for `__tcfapi` (a CMP's stub
 * defines it at once; a CMP without a stub, loaded later, defines it when it loads). Returns a function
 * that stops following (the gate stays as it is).
 *
 * @example
 * import { connectTcf } from 'ig-embed/consent/tcf';
 * connectTcf({ purposes: [1], googleVendor: 89 });
 */
export function connectTcf(options: TcfOptions = {}): () => void {
  const purposes = purposeList(options.purposes ?? [1]);
  const googleVendor = options.googleVendor ?? 89;
  if (googleVendor !== false && !(Number.isInteger(googleVendor) && googleVendor >= 0)) invalid(NAME, 'googleVendor', 'an ATP id or false', googleVendor);
  const check = options.check;
  const follow = follower(options.element);
  // Set while following: a CMP's stub may still deliver a queued callback after the page disconnected.
  let api: TcfApi | undefined;
  let listenerId: number | undefined;
  const listener = (data: TcfData, success: boolean) => {
    if (!api || !success || !data) return;
    listenerId = data.listenerId;
    const allowed = tcfAllows(data, purposes, googleVendor);
    follow(allowed && check ? check(data) === true : allowed);
  };
  const stopWaiting = whenFunction<TcfApi>('__tcfapi', (found) => {
    api = found;
    api('addEventListener', 2, listener);
  }, milliseconds(NAME, options.wait));
  return () => {
    stopWaiting();
    if (api && listenerId !== undefined) api('removeEventListener', 2, () => {}, listenerId);
    api = undefined;
  };
}
