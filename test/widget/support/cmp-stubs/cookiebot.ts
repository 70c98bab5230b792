/**
 * A stand-in for Cookiebot, after its Developer Resources (https://www.cookiebot.com/en/developer/):
 * `window.Cookiebot.consent.{necessary, preferences, statistics, marketing}`, `consented`, `declined`,
 * `hasResponse`, and the window events `CookiebotOnLoad`, `CookiebotOnConsentReady` (the choice is known:
 * loaded from the visitor's cookie or just submitted), then `CookiebotOnAccept` or `CookiebotOnDecline`.
 */
export interface CookiebotChoice {
  preferences?: boolean;
  statistics?: boolean;
  marketing?: boolean;
}

type CookiebotWindow = Window & { Cookiebot?: unknown };

export class CookiebotStub {
  constructor(private readonly win: Window & typeof globalThis = window) {}

  /** Cookiebot's script runs: with a returning visitor's stored choice, or none (the banner shows, nothing is consented). */
  load(stored?: CookiebotChoice): void {
    this.set(stored);
    this.fire('CookiebotOnLoad');
    if (stored) this.announce(stored);
  }

  /** The visitor submits a choice in the banner, or changes it later ("Change your consent"). */
  submit(choice: CookiebotChoice): void {
    this.set(choice);
    this.announce(choice);
  }

  remove(): void {
    delete (this.win as CookiebotWindow).Cookiebot;
  }

  private set(choice: CookiebotChoice | undefined): void {
    const consent = { necessary: true, preferences: false, statistics: false, marketing: false, ...choice };
    const consented = consent.preferences || consent.statistics || consent.marketing;
    (this.win as CookiebotWindow).Cookiebot = { consent, consented: Boolean(choice) && consented, declined: Boolean(choice) && !consented, hasResponse: Boolean(choice) };
  }

  private announce(choice: CookiebotChoice): void {
    this.fire('CookiebotOnConsentReady');
    this.fire(choice.preferences || choice.statistics || choice.marketing ? 'CookiebotOnAccept' : 'CookiebotOnDecline');
  }

  private fire(type: string): void {
    this.win.dispatchEvent(new this.win.Event(type));
  }
}
