/**
 * Entry `ig-embed/consent/usercentrics`: Usercentrics' consent for one service drives the consent gate.
 *
 * The API: the window event a site names in the Usercentrics admin (Implementation → Data Layer & Events,
 * e.g. `ucEvent`). It fires after the CMP initialised (with the stored or default choice) and after every
 * change, so a CMP that loads after this adapter needs no polling. Two shapes of `event.detail`:
 * - V2 `consent_status`: one `"<Service name>": true | false` entry per service
 *   (https://usercentrics.com/docs/web/features/v2/events_v2/events_v2/, https://usercentrics.com/beta-docs/consent-status);
 * - V3: `detail.services`, each `{ name, consent: { given } }`
 *   (https://support.usercentrics.com/hc/en-us/articles/17484523116572-Communicating-consent-information-to-third-party-applications).
 * V3's own `UC_CONSENT` event is read with the V3 parser too: its detail shape is UNVERIFIED (the docs
 * only name it). For a CMP that initialised before this adapter listened, the current choice is read,
 * defensively, from `UC_UI.getServicesBaseInfo()` (V2: `[{ name, consent: { status } }]`) at connect and on
 * `UC_UI_INITIALIZED`, and from `__ucCmp.getConsentDetails()` (V3: resolves to `{ services }` as above):
 * both shapes are UNVERIFIED, seen in third-party integrations, not in Usercentrics' docs.
 */
import { follower, text, type ConsentOptions } from './follow.js';

export type { ConsentTarget } from './follow.js';

export interface UsercentricsOptions extends ConsentOptions {
  /** The Data Processing Service that covers Instagram, by its name in the Usercentrics admin. Default `Instagram Content`. */
  service?: string;
  /** The window event configured in the Usercentrics admin. Default `ucEvent`. `UC_CONSENT` is listened to as well. */
  event?: string;
}

const NAME = 'connectUsercentrics';

type Service = { name?: unknown; consent?: { given?: unknown; status?: unknown } };

/** What an event detail (V2 or V3) or a services list says about `service`; `undefined` if it does not name it. */
export function usercentricsAllows(detail: unknown, service: string): boolean | undefined {
  if (!detail || typeof detail !== 'object') return undefined;
  const v2 = (detail as Record<string, unknown>)[service];
  if (typeof v2 === 'boolean') return v2;
  const services = Array.isArray(detail) ? detail : (detail as { services?: unknown }).services;
  if (!services || typeof services !== 'object') return undefined;
  for (const entry of Object.values(services) as Service[]) {
    if (entry?.name !== service) continue;
    return (entry.consent?.given ?? entry.consent?.status) === true;
  }
  return undefined;
}

/**
 * Follows Usercentrics: consent to `service` grants, its withdrawal revokes. Returns a function that
 * stops following (the gate stays as it is).
 *
 * @example
 * import { connectUsercentrics } from 'ig-embed/consent/usercentrics';
 * connectUsercentrics({ service: 'Instagram Content', event: 'ucEvent' });
 */
export function connectUsercentrics(options: UsercentricsOptions = {}): () => void {
  const service = text(NAME, 'service', options.service, 'Instagram Content');
  const events = [...new Set([text(NAME, 'event', options.event, 'ucEvent'), 'UC_CONSENT'])];
  const follow = follower(options.element);
  // An event is newer than a read still under way: a read that resolves after one is dropped.
  let seen = 0;
  const onEvent = (event: Event) => {
    seen++;
    follow(usercentricsAllows((event as CustomEvent).detail, service));
  };
  const read = () => {
    const ui = (window as { UC_UI?: { getServicesBaseInfo?: () => unknown } }).UC_UI;
    const cmp = (window as { __ucCmp?: { getConsentDetails?: () => unknown } }).__ucCmp;
    const at = seen;
    const apply = (found: unknown) => {
      if (seen === at) follow(usercentricsAllows(found, service));
    };
    try {
      if (typeof ui?.getServicesBaseInfo === 'function') apply(ui.getServicesBaseInfo());
      if (typeof cmp?.getConsentDetails === 'function') Promise.resolve(cmp.getConsentDetails()).then(apply, () => {});
    } catch {
      // Not the API we expected: the events still drive the gate.
    }
  };
  for (const type of events) window.addEventListener(type, onEvent);
  window.addEventListener('UC_UI_INITIALIZED', read);
  read();
  return () => {
    seen++;
    for (const type of events) window.removeEventListener(type, onEvent);
    window.removeEventListener('UC_UI_INITIALIZED', read);
  };
}
