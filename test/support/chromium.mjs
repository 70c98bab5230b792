/**
 * How every test tool launches Chromium: Debian's binary (`CHROME_PATH`, default /usr/bin/chromium),
 * never a downloaded one, with one argument list. Used by web-test-runner.config.mjs, the e2e harness
 * (test/e2e/harness.ts) and scripts/card-screenshots.mjs. Plain JS so web-test-runner's config can import it.
 */

/** Sandbox off (containers and CI run as root); no background traffic, GPU, updates or first-run UI. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

/** Playwright's `launchOptions` for Chromium. */
export function chromiumLaunchOptions() {
  return { executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: [...CHROMIUM_ARGS] };
}
