/**
 * Entry `ig-embed/consent/onetrust`: one OneTrust group drives the consent gate.
 *
 * The API, from OneTrust's "Web CMP Events Guide" (https://developer.onetrust.com/onetrust/docs/javascript-events-guide):
 * the window event `OneTrustGroupsUpdated`, fired each time the OneTrust script loads and whenever the
 * visitor updates their preferences, with the active group ids as an array in `event.detail`; and
 * `window.OnetrustActiveGroups`, the same ids as a comma-wrapped string (",C0001,C0003,"). Because the
 * event fires on load, a OneTrust that loads after this adapter needs no polling.
 */
import { follower, invalid, text, type ConsentOptions } from './follow.js';

export type { ConsentTarget } from './follow.js';

export interface OneTrustOptions extends ConsentOptions {
  /**
   * The OneTrust group (category id) that covers Instagram. Default `C0004` (targeting cookies); OneTrust's
   * standard "Social Media Cookies" group is `C0005`, the usual alternative.
   */
  group?: string;
}

const NAME = 'connectOneTrust';
const EVENT = 'OneTrustGroupsUpdated';

/** Whether `group` is active: from the event's array, else from `window.OnetrustActiveGroups`; `undefined` before OneTrust ran. */
function active(group: string, groups: unknown): boolean | undefined {
  if (Array.isArray(groups)) return groups.includes(group);
  const global = (window as { OnetrustActiveGroups?: unknown }).OnetrustActiveGroups;
  return typeof global === 'string' ? global.split(',').includes(group) : undefined;
}

/**
 * Follows OneTrust: `group` becoming active grants, its removal revokes. Returns a function that stops
 * following (the gate stays as it is).
 *
 * @example
 * import { connectOneTrust } from 'ig-embed/consent/onetrust';
 * connectOneTrust({ group: 'C0005' });
 */
export function connectOneTrust(options: OneTrustOptions = {}): () => void {
  const group = text(NAME, 'group', options.group, 'C0004');
  if (group.includes(',')) invalid(NAME, 'group', 'one group id', group);
  const follow = follower(options.element);
  const onUpdate = (event: Event) => follow(active(group, (event as CustomEvent).detail));
  window.addEventListener(EVENT, onUpdate);
  follow(active(group, undefined));
  return () => window.removeEventListener(EVENT, onUpdate);
}
