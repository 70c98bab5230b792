/**
 * A stand-in for the WordPress plugin "WP Consent API", after its own script
 * (https://github.com/Really-Simple-Plugins/wp-consent-level-api, assets/js/wp-consent-api.js) and readme:
 * `wp_has_consent(category)` (no consent type → true; an opt-out type and no choice → true; else only an
 * `allow`), `wp_set_consent(category, 'allow' | 'deny')` which stores the choice and dispatches
 * `wp_listen_for_consent_change` on `document` with `detail[category] = value`, `window.wp_fallback_consent_type`
 * and `window.waitfor_consent_hook` from the plugin's settings, and a consent management plugin's `window.wp_consent_type` with its
 * `wp_consent_type_defined` event on `document`. The choices are kept in memory instead of the plugin's
 * `wp_consent_<category>` cookies, so that test pages sharing the origin never see each other's.
 */
type WpWindow = Record<string, unknown>;

export class WpConsentApiStub {
  private readonly choices = new Map<string, string>();

  constructor(private readonly win: Window & typeof globalThis = window) {}

  /**
   * The plugin's script runs, with the settings WordPress prints for it (`consent_api`): `consentType`,
   * the site's fallback consent type (none: no consent management), and `waitforConsentHook`.
   */
  load(options: { consentType?: string; waitforConsentHook?: boolean } = {}): void {
    const win = this.win as unknown as WpWindow;
    win.wp_fallback_consent_type = options.consentType ?? '';
    win.waitfor_consent_hook = options.waitforConsentHook ?? false;
    win.wp_has_consent = (category: string) => {
      const type = (win.wp_consent_type ?? win.wp_fallback_consent_type) as string | undefined;
      const value = this.choices.get(category) ?? '';
      if (!type) return true;
      if (type.includes('optout') && value === '') return true;
      return value === 'allow';
    };
    win.wp_set_consent = (category: string, value: string) => {
      if (value !== 'allow' && value !== 'deny') return;
      this.choices.set(category, value);
      const changed: Record<string, string> = {};
      changed[category] = value;
      this.win.document.dispatchEvent(new this.win.CustomEvent('wp_listen_for_consent_change', { detail: changed }));
    };
  }

  /** A consent management plugin declares the region's consent type (`optin`, `optout`) and fires its hook. */
  defineConsentType(type: string): void {
    (this.win as unknown as WpWindow).wp_consent_type = type;
    this.win.document.dispatchEvent(new this.win.CustomEvent('wp_consent_type_defined'));
  }

  /** The visitor's stored choice, as the cookie a returning visitor brings (no event: the page just loaded with it). */
  stored(category: string, value: 'allow' | 'deny'): void {
    this.choices.set(category, value);
  }

  /** The visitor decides in the banner: the consent management plugin calls `wp_set_consent`. */
  set(category: string, value: 'allow' | 'deny'): void {
    ((this.win as unknown as WpWindow).wp_set_consent as (c: string, v: string) => void)(category, value);
  }

  remove(): void {
    for (const name of ['wp_has_consent', 'wp_set_consent', 'waitfor_consent_hook', 'wp_consent_type', 'wp_fallback_consent_type']) delete (this.win as unknown as WpWindow)[name];
    this.choices.clear();
  }
}
