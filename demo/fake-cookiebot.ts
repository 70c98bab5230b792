// A stand-in for Cookiebot on the Consent demo page, NOT Cookiebot: just enough of its documented API
// (https://www.cookiebot.com/en/developer/) for ig-embed.consent-cookiebot.js to follow: window.Cookiebot
// with `consent.{necessary, preferences, statistics, marketing}` and the window events CookiebotOnLoad,
// CookiebotOnConsentReady, CookiebotOnAccept and CookiebotOnDecline. The choice is kept in localStorage
// (Cookiebot keeps it in its CookieConsent cookie).

const STORE = 'demo:fake-cookiebot';
export type FakeCookiebotChoice = 'accepted' | 'declined' | null;

function stored(): FakeCookiebotChoice {
  const value = localStorage.getItem(STORE);
  return value === 'accepted' || value === 'declined' ? value : null;
}

function apply(choice: FakeCookiebotChoice): void {
  const marketing = choice === 'accepted';
  (window as { Cookiebot?: unknown }).Cookiebot = {
    consent: { necessary: true, preferences: marketing, statistics: marketing, marketing },
    consented: marketing,
    declined: choice === 'declined',
    hasResponse: choice !== null,
  };
}

function fire(type: string): void {
  window.dispatchEvent(new Event(type));
}

/** Cookiebot's script runs: it restores the stored choice, if any, and says so. */
export function loadFakeCookiebot(): FakeCookiebotChoice {
  const choice = stored();
  apply(choice);
  fire('CookiebotOnLoad');
  if (choice) {
    fire('CookiebotOnConsentReady');
    fire(choice === 'accepted' ? 'CookiebotOnAccept' : 'CookiebotOnDecline');
  }
  return choice;
}

/** The visitor clicks a button in the banner (or changes their mind later). */
export function submitFakeCookiebot(choice: 'accepted' | 'declined'): void {
  localStorage.setItem(STORE, choice);
  apply(choice);
  fire('CookiebotOnConsentReady');
  fire(choice === 'accepted' ? 'CookiebotOnAccept' : 'CookiebotOnDecline');
}
