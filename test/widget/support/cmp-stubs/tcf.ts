/**
 * A stand-in for an IAB TCF v2.2 CMP, after the CMP API v2 as OneTrust's "IAB TCF Developer Guide" and
 * the IAB spec describe it: `__tcfapi(command, version, callback, parameter)` with `addEventListener`
 * (calls back at once with the current TCData and on every change, each listener with its own
 * `listenerId`), `removeEventListener` (by `listenerId`, calls back with success) and `ping`; version 2
 * only. `eventStatus` is `tcloaded` for a stored choice, `cmpuishown` while the banner waits and
 * `useractioncomplete` after the visitor decided. `addtlConsent` is Google's Additional Consent string,
 * sent only by CMPs that support it. `installQueueStub()` is the IAB's own stub pattern: a `__tcfapi`
 * that queues calls (in `__tcfapi.a`) until the CMP's script replaces it and answers them.
 */
export interface TcfChoice {
  purposes: number[];
  /** Google's AC string, e.g. `2~89~dv.` (left out: the CMP has no Additional Consent support). */
  addtlConsent?: string;
  gdprApplies?: boolean;
}

type Callback = (data: unknown, success: boolean) => void;
type Api = ((command: string, version: number, callback: Callback, parameter?: unknown) => void) & { a?: unknown[][] };
type TcfWindow = Window & { __tcfapi?: Api };

export class TcfStub {
  private listeners = new Map<number, Callback>();
  private nextId = 1;
  private choice: TcfChoice | undefined;
  private status = 'cmpuishown';

  constructor(private readonly win: Window & typeof globalThis = window) {}

  /** The IAB stub a page puts in its <head> before the CMP: it only queues calls. */
  installQueueStub(): void {
    const queue: unknown[][] = [];
    const stub: Api = (...args) => void queue.push(args);
    stub.a = queue;
    (this.win as TcfWindow).__tcfapi = stub;
  }

  /** The CMP's script runs: with a returning visitor's stored choice (`tcloaded`), or none (the banner shows). */
  load(stored?: TcfChoice): void {
    this.choice = stored;
    this.status = stored ? 'tcloaded' : 'cmpuishown';
    const queued = (this.win as TcfWindow).__tcfapi?.a ?? [];
    (this.win as TcfWindow).__tcfapi = (command, version, callback, parameter) => this.call(command, version, callback, parameter);
    for (const args of queued) this.call(...(args as Parameters<TcfStub['call']>));
  }

  /** The visitor saves a choice in the banner (or later, in the CMP's settings). */
  decide(choice: TcfChoice): void {
    this.choice = choice;
    this.status = 'useractioncomplete';
    for (const [id, callback] of this.listeners) callback(this.data(id), true);
  }

  /** The CMP reopens its banner: listeners hear `cmpuishown`, with the last choice still in place. */
  showUi(): void {
    this.status = 'cmpuishown';
    for (const [id, callback] of this.listeners) callback(this.data(id), true);
    this.status = 'useractioncomplete';
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  remove(): void {
    this.listeners.clear();
    delete (this.win as TcfWindow).__tcfapi;
  }

  private call(command: string, version: number, callback: Callback, parameter?: unknown): void {
    if (version !== 2) return callback(undefined, false);
    if (command === 'addEventListener') {
      const id = this.nextId++;
      this.listeners.set(id, callback);
      return callback(this.data(id), true);
    }
    if (command === 'removeEventListener') return callback(this.listeners.delete(parameter as number), true);
    if (command === 'ping') return callback({ gdprApplies: this.choice?.gdprApplies ?? true, cmpLoaded: true, cmpStatus: 'loaded', apiVersion: '2.2' }, true);
    callback(undefined, false);
  }

  private data(listenerId: number): unknown {
    const consents = Object.fromEntries((this.choice?.purposes ?? []).map((id) => [id, true]));
    return {
      tcString: 'stub',
      tcfPolicyVersion: 5,
      cmpId: 0,
      cmpVersion: 1,
      gdprApplies: this.choice?.gdprApplies ?? true,
      eventStatus: this.status,
      listenerId,
      purpose: { consents, legitimateInterests: {} },
      vendor: { consents: {}, legitimateInterests: {} },
      ...(this.choice?.addtlConsent === undefined ? {} : { addtlConsent: this.choice.addtlConsent }),
    };
  }
}
