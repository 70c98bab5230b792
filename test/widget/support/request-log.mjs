/**
 * A log of every request each test page and its frames make, as the browser reports them to the test
 * runner over its automation protocol (Playwright's and Puppeteer's page `request` event): fetches,
 * scripts, iframes and images, to any host, including requests that are blocked, fail or never get an
 * answer. A page reads its own entries at GET /__requests?n=<nonce> (a wtr test cannot reach the
 * browser's protocol itself); pages are told apart by wtr's session id in their URL.
 *
 * The events travel over the protocol connection, not over HTTP, so a request can reach the server
 * before the event of an earlier one reaches us. Each /__requests query therefore waits until its own
 * event has arrived: the browser reports requests in the order it makes them, so every earlier request
 * is in the log by then. A query whose event never arrives is answered 500, never with a partial log.
 */
const BARRIER_WAIT_MS = 5000;

function sessionOf(url) {
  try {
    return new URL(url).searchParams.get('wtr-session-id');
  } catch {
    return null;
  }
}

const isQuery = (url) => new URL(url).pathname === '/__requests';

export function requestLog() {
  /** @type {Array<{ session: string, url: string }>} */
  const entries = [];
  const waiters = new Set();
  return {
    /** Records the requests of a Playwright or Puppeteer page. */
    watch(page) {
      page.on('request', (request) => {
        const session = sessionOf(page.url());
        if (!session) return;
        entries.push({ session, url: request.url() });
        for (const wake of waiters) wake();
      });
    },
    async middleware(ctx, next) {
      if (ctx.path !== '/__requests') return next();
      const session = sessionOf(ctx.get('referer'));
      const nonce = String(ctx.query.n ?? '');
      const mine = ({ session: from, url }) => from === session && isQuery(url) && new URL(url).searchParams.get('n') === nonce;
      const arrived = await new Promise((resolve) => {
        const check = () => {
          if (!entries.some(mine)) return;
          done(true);
        };
        const done = (value) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(value);
        };
        const timer = setTimeout(done, BARRIER_WAIT_MS, false);
        waiters.add(check);
        check();
      });
      if (!session || !nonce || !arrived) {
        ctx.status = 500;
        ctx.body = `request log: no event for this query (session ${session}, nonce ${nonce}) within ${BARRIER_WAIT_MS} ms`;
        return;
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.body = entries.filter((entry) => entry.session === session && !isQuery(entry.url)).map((entry) => entry.url);
    },
  };
}
