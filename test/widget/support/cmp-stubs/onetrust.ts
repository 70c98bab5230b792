/**
 * A stand-in for OneTrust, after its "Web CMP Events Guide"
 * (https://developer.onetrust.com/onetrust/docs/javascript-events-guide): `window.OnetrustActiveGroups`,
 * a comma-wrapped string of active group ids, and the window event `OneTrustGroupsUpdated` with the
 * active ids as an array in `detail`, fired when the script loads and whenever the visitor saves their
 * preferences. Before any choice only the strictly necessary group (C0001) is active, as for an opt-in region.
 */
type OneTrustWindow = Window & { OnetrustActiveGroups?: string; OneTrust?: unknown };

export class OneTrustStub {
  constructor(private readonly win: Window & typeof globalThis = window) {}

  /** OneTrust's script runs: with a returning visitor's stored groups, or none (the banner shows; C0001 only). */
  load(stored?: string[]): void {
    (this.win as OneTrustWindow).OneTrust = { IsAlertBoxClosed: () => Boolean(stored) };
    this.save(stored ?? ['C0001']);
  }

  /** The visitor saves their preferences: `groups` are the active ones. */
  save(groups: string[]): void {
    (this.win as OneTrustWindow).OnetrustActiveGroups = `,${groups.join(',')},`;
    this.win.dispatchEvent(new this.win.CustomEvent('OneTrustGroupsUpdated', { detail: [...groups] }));
  }

  remove(): void {
    delete (this.win as OneTrustWindow).OnetrustActiveGroups;
    delete (this.win as OneTrustWindow).OneTrust;
  }
}
