// web-test-runner: the widget's tests in real headless Chromium, with Instagram faked at its real origin.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumLaunchOptions } from './test/support/chromium.mjs';
import { routeInstagram } from './test/support/fake-instagram/index.mjs';
import { proxyFake, trustedTypesHeader } from './test/widget/support/proxy-fake.mjs';
import { proxySanitizer } from './test/widget/support/proxy-sanitizer.mjs';
import { requestLog } from './test/widget/support/request-log.mjs';

/** Every request of every test page (GET /__requests), shared with the Firefox config. */
export const requests = requestLog();

export default {
  files: 'test/widget/**/*.test.ts',
  nodeResolve: { exportConditions: ['production'] },
  hostname: '127.0.0.1',
  concurrency: 2,
  testFramework: { config: { timeout: 8000 } },
  middleware: [requests.middleware, proxyFake(), proxySanitizer, trustedTypesHeader],
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' })],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: chromiumLaunchOptions(),
      async createPage({ context }) {
        await routeInstagram(context);
        const page = await context.newPage();
        requests.watch(page);
        return page;
      },
    }),
  ],
};
