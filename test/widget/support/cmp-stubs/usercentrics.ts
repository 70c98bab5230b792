/**
 * A stand-in for Usercentrics' browser CMP. Documented: the window event a site names in the admin
 * (default here `ucEvent`), fired after initialisation and after every change, with
 * - V2 (`version: 2`): `{ event: 'consent_status', action, type, '<Service name>': boolean, …, ucCategory }`
 *   (https://usercentrics.com/docs/web/features/v2/events_v2/events_v2/);
 * - V3 (`version: 3`): `{ services: { <id>: { name, consent: { given, type } } } }`
 *   (https://support.usercentrics.com/hc/en-us/articles/17484523116572).
 * Not in Usercentrics' docs (seen in third-party integrations, marked UNVERIFIED in the README):
 * V2's `window.UC_UI` with `isInitialized()` and `getServicesBaseInfo()` → `[{ id, name, consent: { status } }]`
 * and its `UC_UI_INITIALIZED` event; V3's `window.__ucCmp.getConsentDetails()` → a promise of `{ services }`.
 */
export interface UsercentricsStubOptions {
  version?: 2 | 3;
  /** The window event name configured in the admin. */
  event?: string;
  services?: string[];
}

type UcWindow = Window & { UC_UI?: unknown; __ucCmp?: unknown };

export class UsercentricsStub {
  private readonly version: 2 | 3;
  private readonly event: string;
  private readonly services: string[];
  private consents = new Map<string, boolean>();
  /** Every `getConsentDetails()` answer handed out, for a test to await. */
  readonly reads: Array<Promise<unknown>> = [];

  constructor(options: UsercentricsStubOptions = {}, private readonly win: Window & typeof globalThis = window) {
    this.version = options.version ?? 2;
    this.event = options.event ?? 'ucEvent';
    this.services = options.services ?? ['Usercentrics Consent Management Platform', 'Instagram Content', 'Google Maps'];
  }

  /** The CMP initialises: with a returning visitor's stored consents (service name → boolean), or none (all denied, banner shown). */
  load(stored?: Record<string, boolean>): void {
    this.set(stored ?? {});
    if (this.version === 2) {
      (this.win as UcWindow).UC_UI = {
        isInitialized: () => true,
        getServicesBaseInfo: () => this.services.map((name, i) => ({ id: `id${i}`, name, consent: { status: this.consents.get(name) === true, history: [] } })),
      };
    } else {
      (this.win as UcWindow).__ucCmp = {
        getConsentDetails: () => {
          const read = Promise.resolve(this.v3Detail());
          this.reads.push(read);
          return read;
        },
      };
    }
    this.dispatch('onInitialPageLoad', stored ? 'explicit' : 'implicit');
    if (this.version === 2) this.win.dispatchEvent(new this.win.Event('UC_UI_INITIALIZED'));
  }

  /** The visitor saves consents (service name → boolean; others keep theirs). */
  save(consents: Record<string, boolean>): void {
    this.set({ ...Object.fromEntries(this.consents), ...consents });
    this.dispatch('onUpdateServices', 'explicit');
  }

  /** The CMP's page-wide event, with a detail of its own choosing (for what other events the page sees). */
  dispatchRaw(type: string, detail: unknown): void {
    this.win.dispatchEvent(new this.win.CustomEvent(type, { detail }));
  }

  remove(): void {
    delete (this.win as UcWindow).UC_UI;
    delete (this.win as UcWindow).__ucCmp;
  }

  private set(consents: Record<string, boolean>): void {
    this.consents = new Map(this.services.map((name) => [name, name.startsWith('Usercentrics') || consents[name] === true]));
  }

  private v3Detail(): unknown {
    return {
      consent: { type: 'EXPLICIT' },
      services: Object.fromEntries(this.services.map((name, i) => [`id${i}`, { name, consent: { given: this.consents.get(name) === true, type: 'EXPLICIT' }, essential: i === 0 }])),
      categories: {},
    };
  }

  private dispatch(action: string, type: string): void {
    const detail = this.version === 2
      ? { event: 'consent_status', action, type, ...Object.fromEntries(this.consents), ucCategory: { essential: true, marketing: null } }
      : this.v3Detail();
    this.dispatchRaw(this.event, detail);
  }
}
