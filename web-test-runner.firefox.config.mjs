// web-test-runner: the same widget tests in headless Firefox ESR (Puppeteer over WebDriver BiDi), with
// Instagram faked by request interception, since Playwright's routing drives only its own browsers.
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import base, { requests } from './web-test-runner.config.mjs';
import { interceptInstagram } from './test/support/fake-instagram/index.mjs';

export default {
  ...base,
  files: ['test/widget/**/*.test.ts', '!test/widget/**/*.chromium.test.ts'],
  // One page at a time: Firefox gives focus (and so :focus-visible) to one window only, and a page in
  // a background tab gets no animation frames, which the batched embed.js scans wait for.
  concurrency: 1,
  browsers: [
    puppeteerLauncher({
      launchOptions: { browser: 'firefox', executablePath: process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr', headless: true },
      async createPage({ context }) {
        const page = await context.newPage({ type: 'window' });
        await interceptInstagram(page);
        requests.watch(page);
        return page;
      },
    }),
  ],
};
