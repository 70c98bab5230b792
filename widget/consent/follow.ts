/** What the consent adapters share: the gate they drive, a CMP's answers turned into grant and revoke, and a bounded wait for a CMP's API. */

/** The two calls an adapter makes on the gate. `IgEmbedElement` (or a subclass) is one. */
export interface ConsentTarget {
  grantConsent(): void;
  revokeConsent(): void;
}

/** The option every adapter takes. */
export interface ConsentOptions {
  /** The class whose gate the CMP drives. Default: the class registered as `<ig-embed>`, waited for if it is not yet. */
  element?: ConsentTarget;
}

/** How long an adapter waits, by default, for a CMP's API that is not on the page yet, and how often it looks. */
export const WAIT_MS = 10_000;
const EVERY_MS = 100;

/**
 * Turns a CMP's answers into calls on the gate: `grantConsent()` when the answer becomes yes,
 * `revokeConsent()` when a yes turns into no. A first no calls nothing: the gate is closed already, and
 * revoking would also forget the posts a visitor allowed on their cards. `undefined` is an answer that
 * says nothing about Instagram (no decision yet, another vendor's change) and changes nothing.
 *
 * Without `element`, the calls go to the class registered as `<ig-embed>` once it is registered (in
 * their order): the adapters never import the element, or each classic adapter file would carry a copy.
 */
export function follower(element?: ConsentTarget): (allowed: boolean | undefined) => void {
  let granted = false;
  return (allowed) => {
    if (allowed === undefined || allowed === granted) return;
    granted = allowed;
    const call = (target: ConsentTarget) => (allowed ? target.grantConsent() : target.revokeConsent());
    if (element) call(element);
    else void customElements.whenDefined('ig-embed').then(() => call(customElements.get('ig-embed') as unknown as ConsentTarget));
  };
}

/**
 * Calls `found` with the global function `window[name]` once there is one: now, else every 100 ms for
 * `wait` ms (a CMP loaded after us). Bounded, so a page without the CMP does not poll forever; the gate
 * then simply stays closed. Returns a function that stops looking.
 */
export function whenFunction<T extends (...args: never[]) => unknown>(name: string, found: (api: T) => void, wait = WAIT_MS): () => void {
  const until = Date.now() + wait;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const look = () => {
    const value = (window as unknown as Record<string, unknown>)[name];
    if (typeof value === 'function') found(value as T);
    else if (Date.now() < until) timer = setTimeout(look, EVERY_MS);
  };
  look();
  return () => clearTimeout(timer);
}

/** A bad option is the page's mistake: a TypeError that names it, thrown when connecting (the gate stays closed). */
export function invalid(adapter: string, option: string, must: string, value: unknown): never {
  throw new TypeError(`${adapter}: ${option} must be ${must} (got ${JSON.stringify(value)})`);
}

/** A string option: absent or empty gives the default. */
export function text(adapter: string, option: string, value: unknown, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  return typeof value === 'string' ? value : invalid(adapter, option, 'a string', value);
}

/** The `wait` option: absent gives the default (10 s); else a finite number of milliseconds. */
export function milliseconds(adapter: string, value: unknown): number {
  if (value === undefined) return WAIT_MS;
  return typeof value === 'number' && value >= 0 && value < Infinity ? value : invalid(adapter, 'wait', 'milliseconds', value);
}
