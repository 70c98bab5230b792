// createUpstreamRound with a stub Graph client: the order budget → post back-off → client share → breaker (fleet pause, probe) → spend → call, sanitising, and the entry or error each outcome yields.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { createBreaker } from '../../proxy/breaker.js';
import { createClientShare } from '../../proxy/client-share.js';
import { ProxyError } from '../../proxy/errors.js';
import type { FleetPause } from '../../proxy/fleet-pause.js';
import { createFixturesGraph } from '../../proxy/fake-graph.js';
import type { GraphOutcome, OembedPayload, OembedRequest } from '../../proxy/graph-client.js';
import { createKeyBackoff } from '../../proxy/key-backoff.js';
import { createLogger } from '../../proxy/log.js';
import { ProxyMetrics } from '../../proxy/metrics.js';
import { canonicalisePostUrl } from '../../instagram/post-url.js';
import { createLocalQuota, type Quota } from '../../proxy/quota.js';
import { createUpstreamBudget } from '../../proxy/rate-limit.js';
import { createUpstreamRound } from '../../proxy/upstream-round.js';

const POST = canonicalisePostUrl('https://www.instagram.com/p/fA9uwTtkSN/')!;
const QUERY = { post: POST, hidecaption: false, omitscript: false };
const T0 = 1_000_000;
const CLIENT = { key: '192.0.2.1', exempt: false };

/** Meta's 2026 answer for POST, as the fake Graph API records it. */
async function recordedOembed(): Promise<OembedPayload> {
  const res = await createFixturesGraph().fetch(new Request(`https://graph.example/v25.0/instagram_oembed?url=${encodeURIComponent(POST.url)}&omitscript=true`));
  return (await res.json()) as OembedPayload;
}

interface SetupOptions {
  perHour?: number;
  share?: number;
  /** The clock (default: T0 for ever). */
  now?: () => number;
  /** Wraps the local quota, to stand in for another replica's spending. */
  quota?: (local: Quota) => Quota;
  fleet?: FleetPause;
  revealsToken?: (text: string) => boolean;
}

function setup(outcome: GraphOutcome, options: SetupOptions = {}) {
  const requests: OembedRequest[] = [];
  const lines: string[] = [];
  const now = options.now ?? (() => T0);
  const breaker = createBreaker({ now, random: () => 0.5 });
  const budget = createUpstreamBudget({ perHour: options.perHour ?? 10, now });
  const share = createClientShare({ fraction: options.share ?? 1, budgetPerHour: () => budget.limit(), now });
  const postBackoff = createKeyBackoff({ now });
  const metrics = new ProxyMetrics({ cacheEntries: () => 0, cacheBytes: () => 0, breakerState: () => breaker.state, budgetLeft: () => budget.remaining() });
  const round = createUpstreamRound({
    graph: { fetchOembed: async (req) => { requests.push(req); return outcome; }, revealsToken: options.revealsToken },
    breaker, quota: (options.quota ?? ((q) => q))(createLocalQuota({ budget, share })), fleet: options.fleet, postBackoff, sharePerClient: options.share ?? 1, metrics, log: createLogger({ secrets: [], write: (l) => lines.push(l) }), now,
    freshMs: 1000, staleMs: 5000, negativeMs: 700,
  });
  return { round, requests, lines, breaker, budget, postBackoff, metrics };
}

async function rejection(p: Promise<unknown>): Promise<ProxyError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ProxyError);
    return err;
  }
  assert.fail('expected a ProxyError');
}

describe('createUpstreamRound', () => {
  test('ok: one call with the canonical URL, a positive entry with fresh and stale windows, legacy fields kept', async () => {
    const oembed = { ...(await recordedOembed()), author_name: 'natgeo' };
    const s = setup({ kind: 'ok', oembed });
    const entry = await s.round(QUERY, CLIENT);
    assert.deepEqual(s.requests, [{ url: POST.url, hidecaption: false }]);
    assert.equal(entry.kind, 'ok');
    if (entry.kind !== 'ok') return;
    assert.deepEqual([entry.storedAt, entry.freshUntil, entry.staleUntil], [T0, T0 + 1000, T0 + 6000]);
    const body = JSON.parse(Buffer.from(entry.noscript.identity.body).toString('utf8')) as Record<string, unknown>;
    assert.equal(body.author_name, 'natgeo');
    assert.equal(s.budget.remaining(), 9);
  });

  test('maxwidth is passed upstream only when the client sent it', async () => {
    const s = setup({ kind: 'not_embeddable' });
    await s.round({ ...QUERY, maxwidth: 400, hidecaption: true }, CLIENT);
    assert.deepEqual(s.requests, [{ url: POST.url, hidecaption: true, maxwidth: 400 }]);
  });

  test('not_embeddable: a negative entry for the negative window', async () => {
    const entry = await setup({ kind: 'not_embeddable' }).round(QUERY, CLIENT);
    assert.deepEqual(entry, { ...entry, kind: 'not_embeddable', post: POST.url, until: T0 + 700 });
  });

  test('html the sanitiser rejects is upstream_invalid, counts for the post\'s back-off but never the breaker, logged without the html', async () => {
    const s = setup({ kind: 'ok', oembed: { ...(await recordedOembed()), html: '<div>no blockquote</div>' } });
    const err = await rejection(s.round(QUERY, CLIENT));
    assert.deepEqual([err.code, err.options], ['upstream_invalid', {}]);
    assert.equal(s.metrics.upstreamCalls.render().includes('outcome="invalid"} 1'), true);
    assert.equal(s.lines.length, 1);
    assert.equal(s.lines[0]!.includes('no blockquote'), false);
    await rejection(s.round(QUERY, CLIENT));
    for (let i = 0; i < 10; i++) await rejection(s.round(QUERY, CLIENT));
    assert.deepEqual([s.requests.length, s.breaker.state, s.postBackoff.check(POST.url)], [2, 'closed', 30]);
  });

  test('a post in back-off answers 503 without a call, before the share or the breaker is asked', async () => {
    const s = setup({ kind: 'transient' }, { share: 0.5 });
    await rejection(s.round(QUERY, CLIENT));
    await rejection(s.round(QUERY, CLIENT));
    let acquired = 0;
    const acquire = s.breaker.acquire.bind(s.breaker);
    s.breaker.acquire = () => { acquired++; return acquire(); };
    const err = await rejection(s.round(QUERY, CLIENT));
    assert.deepEqual([err.code, err.options, acquired, s.requests.length], ['upstream_unavailable', { retryAfterSeconds: 30 }, 0, 2]);
    assert.equal(s.metrics.rejected.render().includes('reason="key_backoff"} 1'), true);
  });

  test('a client over its share gets 429 with the seconds until its next call, and one hint in the log', async () => {
    // Budget 10, share 0.2: two calls, then one every 18 minutes.
    const s = setup({ kind: 'not_embeddable' }, { share: 0.2 });
    const other = (code: string) => ({ ...QUERY, post: canonicalisePostUrl(`https://www.instagram.com/p/${code}/`)! });
    await s.round(other('a1'), CLIENT);
    await s.round(other('a2'), CLIENT);
    const err = await rejection(s.round(other('a3'), CLIENT));
    assert.deepEqual([err.code, err.options], ['rate_limited', { retryAfterSeconds: 1800 }]);
    await rejection(s.round(other('a4'), CLIENT));
    await s.round(other('b1'), { key: '192.0.2.2', exempt: false });
    await s.round(other('c1'), { key: '192.0.2.1', exempt: true });
    assert.deepEqual([s.requests.length, s.budget.remaining()], [4, 6]);
    assert.equal(s.metrics.rejected.render().includes('reason="client_share"} 2'), true);
    assert.deepEqual(s.lines.map((l) => JSON.parse(l).msg), ['a client used its whole share of the upstream budget']);
    assert.equal(s.lines[0]!.includes('UPSTREAM_SHARE_EXEMPT'), true);
  });

  test('the sanitiser\'s reason for refusing is logged', async () => {
    const s = setup({ kind: 'ok', oembed: { ...(await recordedOembed()), html: `<blockquote class="instagram-media" data-instgrm-permalink="${POST.url}">${'<div>'.repeat(40)}</blockquote>` } });
    await rejection(s.round(QUERY, CLIENT));
    const line = JSON.parse(s.lines[0]!) as Record<string, unknown>;
    assert.deepEqual([line.msg, line.reason], ['upstream html rejected by the sanitiser', 'too_deep']);
  });

  test('fields whose values cannot be true are dropped, not replaced; the rest keep their order; the log names them', async () => {
    const recorded = await recordedOembed();
    const s = setup({ kind: 'ok', oembed: {
      ...recorded, type: 'rich', provider_name: '<b>Instagram</b>', provider_url: 'javascript:alert(1)',
      author_name: 'natgeo', author_url: 'https://evil.example/natgeo', thumbnail_url: 'https://evil.example/t.jpg', thumbnail_width: 640, thumbnail_height: 640,
    } });
    const entry = await s.round(QUERY, CLIENT);
    assert.equal(entry.kind, 'ok');
    if (entry.kind !== 'ok') return;
    const body = JSON.parse(Buffer.from(entry.noscript.identity.body).toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['version', 'type', 'width', 'html', 'author_name']);
    assert.equal(body.author_name, 'natgeo');
    const line = JSON.parse(s.lines[0]!) as Record<string, unknown>;
    assert.deepEqual([line.msg, line.fields], ['upstream fields dropped: their values cannot be true', ['provider_name', 'provider_url', 'author_url', 'thumbnail_url']]);
  });

  test('true legacy fields are all kept, in the order Meta\'s clients expect', async () => {
    const s = setup({ kind: 'ok', oembed: {
      ...(await recordedOembed()), author_name: 'natgeo', author_url: 'https://www.instagram.com/natgeo',
      thumbnail_url: 'https://scontent.cdninstagram.com/x.jpg', thumbnail_width: 640, thumbnail_height: 800,
    } });
    const entry = await s.round(QUERY, CLIENT);
    if (entry.kind !== 'ok') return assert.fail('expected an entry');
    const body = JSON.parse(Buffer.from(entry.script.identity.body).toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['version', 'type', 'provider_name', 'provider_url', 'width', 'html', 'author_name', 'author_url', 'thumbnail_url', 'thumbnail_width', 'thumbnail_height']);
    assert.deepEqual(s.lines, []);
  });

  test('an answer that would hand the token to clients (here entity-encoded in the html) is upstream_invalid, logged without it', async () => {
    const recorded = await recordedOembed();
    const seen: string[] = [];
    const s = setup({ kind: 'ok', oembed: { ...recorded, html: recorded.html.replace('View this post on Instagram', '&#83;ECRETSECRET') } }, {
      revealsToken: (text) => { seen.push(text); return text.includes('SECRETSECRET'); },
    });
    const err = await rejection(s.round(QUERY, CLIENT));
    assert.equal(err.code, 'upstream_invalid');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.includes('SECRETSECRET'), true, 'the check saw the decoded html');
    assert.equal(s.lines.some((line) => line.includes('SECRETSECRET')), false);
    assert.equal(JSON.parse(s.lines[0]!).msg, 'upstream answer rejected: it holds the access token');
    assert.equal(s.metrics.upstreamCalls.render().includes('outcome="invalid"} 1'), true);
  });

  test('a spent budget answers 503 before the breaker is asked, so a half-open probe is never wasted', async () => {
    const s = setup({ kind: 'not_embeddable' }, { perHour: 1 });
    await s.round(QUERY, CLIENT);
    let acquired = 0;
    const acquire = s.breaker.acquire.bind(s.breaker);
    s.breaker.acquire = () => { acquired++; return acquire(); };
    const err = await rejection(s.round(QUERY, CLIENT));
    assert.deepEqual([err.code, err.options.retryAfterSeconds, acquired, s.requests.length], ['upstream_unavailable', s.budget.check(), 0, 1]);
  });

  test('a budget spent by someone else between check and spend refuses at the spend and hands the half-open probe back', async () => {
    let clock = T0;
    let spends = 0;
    const s = setup({ kind: 'not_embeddable' }, {
      now: () => clock,
      quota: (local) => ({ ...local, spend: async (client) => (++spends === 1 ? { budget: 7, share: null } : local.spend(client)) }),
    });
    s.breaker.pause(2000);
    clock += 2000;
    assert.equal(s.breaker.state, 'half_open');
    const err = await rejection(s.round(QUERY, CLIENT));
    assert.deepEqual([err.code, err.options, s.requests.length], ['upstream_unavailable', { retryAfterSeconds: 7 }, 0]);
    assert.equal(s.metrics.rejected.render().includes('reason="budget_spent"} 1'), true);
    // The probe was handed back: the next round gets it, calls, and closes the breaker.
    await s.round(QUERY, CLIENT);
    assert.deepEqual([s.requests.length, s.breaker.state], [1, 'closed']);
  });

  test('with a fleet: its pause is read before the breaker, a probe another replica holds is handed back, and every answer is reported after the breaker saw it', async () => {
    const events: string[] = [];
    let holder: 'us' | 'other' = 'other';
    let clock = T0;
    const fleet: FleetPause = {
      check: async () => { events.push(`check:${s.breaker.state}`); },
      takeProbe: async () => { events.push('take'); return holder === 'us'; },
      releaseProbe: async () => { events.push('release'); },
      report: async (outcome) => { events.push(`report:${outcome.kind}:${s.breaker.state}`); },
      hear: () => {},
    };
    const s = setup({ kind: 'not_embeddable' }, { now: () => clock, fleet });
    await s.round(QUERY, CLIENT);
    assert.deepEqual(events.splice(0), ['check:closed', 'report:not_embeddable:closed']);
    s.breaker.pause(2000);
    clock += 2000;
    const err = await rejection(s.round(QUERY, CLIENT));
    assert.deepEqual([err.code, err.options, s.requests.length], ['upstream_unavailable', { retryAfterSeconds: 1 }, 1]);
    assert.deepEqual(events.splice(0), ['check:half_open', 'take']);
    holder = 'us';
    await s.round(QUERY, CLIENT);
    assert.deepEqual(events.splice(0), ['check:half_open', 'take', 'report:not_embeddable:closed']);
    assert.equal(s.requests.length, 2);
  });

  // Whether a stale entry may answer instead is decided from the code alone (hits.test.ts, staleIfError).
  const errors: Array<[GraphOutcome, string]> = [
    [{ kind: 'invalid_url' }, 'invalid_url'],
    [{ kind: 'invalid_param' }, 'invalid_param'],
    [{ kind: 'rate_limited', retryAfterSeconds: 42 }, 'upstream_unavailable'],
    [{ kind: 'transient' }, 'upstream_unavailable'],
    [{ kind: 'timeout' }, 'upstream_timeout'],
    [{ kind: 'invalid' }, 'upstream_invalid'],
    [{ kind: 'error' }, 'upstream_error'],
  ];
  for (const [outcome, code] of errors) {
    test(`${outcome.kind} → ${code}`, async () => {
      const err = await rejection(setup(outcome).round(QUERY, CLIENT));
      assert.equal(err.code, code);
      if (outcome.kind === 'rate_limited') assert.equal(err.options.retryAfterSeconds, 42);
      if (outcome.kind === 'transient') assert.equal(err.options.retryAfterSeconds, 5);
    });
  }
});
