// One upstream round for a cache key: budget → post back-off → client share → breaker (and the fleet's pause and probe) → spend → Graph API → sanitiser → field rules and token check → cache entry, or the error to answer.
import { LRUCache } from 'lru-cache';
import type { Breaker } from './breaker.js';
import { buildNegativeEntry, buildPositiveEntry, type CacheEntry } from './cache.js';
import { ProxyError } from './errors.js';
import type { FleetPause } from './fleet-pause.js';
import type { GraphClient, GraphOutcome, OembedPayload } from './graph-client.js';
import type { KeyBackoff } from './key-backoff.js';
import type { Logger } from './log.js';
import type { ProxyMetrics } from './metrics.js';
import type { OembedQuery } from './query.js';
import type { Quota, QuotaCheck } from './quota.js';
import { cleanEmbedHtml, EMBED_SCRIPT_TAG } from './sanitize-html.js';
import { FIELD_RULES } from '../instagram/oembed-fields.js';

/** Retry-After for a transient failure while the breaker is still closed (it reports 0 then). */
const TRANSIENT_RETRY_SECONDS = 5;

/** Who a miss is for: `key` from `clientKey`; an exempt client (UPSTREAM_SHARE_EXEMPT) has no share. */
export interface Requester { key: string; exempt: boolean }

/** Outcomes that did not give us the post: they count towards that post's back-off. */
const POST_FAILURES: ReadonlySet<GraphOutcome['kind']> = new Set(['transient', 'timeout', 'invalid', 'error']);

/**
 * The response fields of an upstream answer, with its html replaced by the sanitised one. A field whose
 * value cannot be true by Instagram's rules (instagram/oembed-fields.ts) is left out, never replaced,
 * and its name added to `dropped` for the log; a thumbnail's size goes with its URL.
 */
function payloadOf(o: OembedPayload, html: string, dropped: string[]): OembedPayload {
  const field = (name: keyof typeof FIELD_RULES): Partial<OembedPayload> => {
    const value = o[name];
    if (value === undefined) return {};
    if (FIELD_RULES[name](value)) return { [name]: value } as Partial<OembedPayload>;
    dropped.push(name);
    return {};
  };
  // Serialised in this order. Legacy fields (author, thumbnail) exist only for apps on older terms.
  const p: OembedPayload = {
    ...field('version'), ...field('type'), ...field('provider_name'), ...field('provider_url'),
    width: o.width, html,
    ...field('author_name'), ...field('author_url'), ...field('thumbnail_url'),
  };
  if (p.thumbnail_url !== undefined && o.thumbnail_width !== undefined) p.thumbnail_width = o.thumbnail_width;
  if (p.thumbnail_url !== undefined && o.thumbnail_height !== undefined) p.thumbnail_height = o.thumbnail_height;
  return p;
}

export interface UpstreamRoundDeps {
  graph: Pick<GraphClient, 'fetchOembed'> & Partial<Pick<GraphClient, 'revealsToken'>>;
  breaker: Breaker;
  /** The budget and the client shares: this replica's (quota.ts) or the fleet's (fleet-quota.ts). */
  quota: Quota;
  /** With REDIS_URL: the fleet's rate-limit pause and its one half-open probe. */
  fleet?: FleetPause | undefined;
  postBackoff: KeyBackoff;
  /** For the hint in the share's log line. */
  sharePerClient: number;
  metrics: Pick<ProxyMetrics, 'rejected' | 'upstream'>;
  log: Logger;
  now: () => number;
  freshMs: number;
  staleMs: number;
  negativeMs: number;
}

/**
 * The loader the cache runs once per key however many requests wait on it. Resolves to the entry to
 * store (positive, or negative for not_embeddable); rejects with the ProxyError to answer (whether an
 * old entry may answer instead is decided by its code, in hits.ts `staleIfError`).
 */
// Long (about 100 lines) on purpose: the round reads top to bottom in the order it must run (the refusals
// budget → post back-off → client share → breaker, the spend, then the one call, the sanitiser, the bookkeeping
// and the entry or error); split into helpers, that order would be harder to see and to keep.
export function createUpstreamRound(deps: UpstreamRoundDeps): (query: OembedQuery, requester: Requester) => Promise<CacheEntry> {
  const { graph, breaker, quota, fleet, postBackoff, metrics, log, now } = deps;
  // One hint per client an hour when it runs out of its share: a server-side renderer or an untrusted
  // reverse proxy looks exactly like this, and the fix is a setting.
  const hinted = new LRUCache<string, true>({ max: 1000, ttl: 3_600_000, perf: { now } });

  /** The refusal for a budget or share that said no, as the client is answered. */
  function refusal(refused: QuotaCheck, requester: Requester): ProxyError {
    if (refused.budget !== null) {
      metrics.rejected.inc('budget_spent');
      return new ProxyError('upstream_unavailable', { retryAfterSeconds: refused.budget });
    }
    const shareWait = refused.share as number;
    metrics.rejected.inc('client_share');
    if (!hinted.has(requester.key)) {
      hinted.set(requester.key, true);
      log.warn('a client used its whole share of the upstream budget', {
        client: requester.key, share: deps.sharePerClient, retryAfter: shareWait,
        hint: 'if this is your own server-side renderer or reverse proxy, list it in UPSTREAM_SHARE_EXEMPT or set TRUST_PROXY',
      });
    }
    return new ProxyError('rate_limited', { retryAfterSeconds: shareWait });
  }

  return async (query, requester) => {
    // Every check that can refuse comes before the breaker: a half-open breaker lets exactly one probe
    // through and waits for its report, so it must not hand out a probe that a later check then stops
    // (nor to a post in back-off, which is how one client used to win every probe).
    const client = requester.exempt ? null : requester.key;
    const quotaWait = await quota.check(client);
    if (quotaWait.budget !== null) throw refusal(quotaWait, requester);
    const post = query.post.url;
    // A half-open probe tests Meta; a post whose last call failed would only test itself again.
    const backoffWait = postBackoff.check(post)
      ?? (breaker.state === 'half_open' && postBackoff.failing(post) ? breaker.retryAfterSeconds : null);
    if (backoffWait !== null) {
      metrics.rejected.inc('key_backoff');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: backoffWait });
    }
    if (quotaWait.share !== null) throw refusal(quotaWait, requester);
    // Another replica's rate-limit answer opens this breaker too, for what is left of Meta's wait.
    await fleet?.check();
    let breakerWait = breaker.acquire();
    // The half-open probe is one for the fleet: another replica may already be asking Meta.
    const probing = breakerWait === null && breaker.state === 'half_open';
    if (probing && fleet !== undefined && !(await fleet.takeProbe())) {
      breaker.release();
      breakerWait = breaker.retryAfterSeconds;
    }
    if (breakerWait !== null) {
      metrics.rejected.inc('breaker_open');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: breakerWait });
    }
    // The budget is spent only now, in one step with its last check: with REDIS_URL, another replica may
    // have spent the last call since `check`.
    const refused = await quota.spend(client);
    if (refused !== null) {
      if (probing) {
        breaker.release();
        await fleet?.releaseProbe();
      }
      throw refusal(refused, requester);
    }
    const started = performance.now();
    let outcome: GraphOutcome = await graph.fetchOembed({
      url: query.post.url, hidecaption: query.hidecaption, ...(query.maxwidth !== undefined ? { maxwidth: query.maxwidth } : {}),
    });
    let payload: OembedPayload | null = null;
    if (outcome.kind === 'ok') {
      const cleaned = cleanEmbedHtml(outcome.oembed.html, query.post.url);
      const dropped: string[] = [];
      if ('refused' in cleaned) {
        log.warn('upstream html rejected by the sanitiser', { post, reason: cleaned.refused, at: cleaned.at });
      } else {
        payload = payloadOf(outcome.oembed, cleaned.html, dropped);
        if (dropped.length > 0) log.warn('upstream fields dropped: their values cannot be true', { post, fields: dropped });
        // What the client would get, with every escape decoded (JSON's, and the html's entities by the sanitiser).
        if (graph.revealsToken?.(JSON.stringify(payload))) {
          log.warn('upstream answer rejected: it holds the access token', { post });
          payload = null;
        }
      }
      // Unusable for us is unusable: it may be answered stale, and counts for the post's back-off
      // (the breaker ignores `invalid`: it is this post's problem, not an outage).
      if (payload === null) outcome = { kind: 'invalid' };
    }
    breaker.record(outcome, post);
    await fleet?.report(outcome);
    if (outcome.kind !== 'rate_limited') postBackoff.record(post, POST_FAILURES.has(outcome.kind));
    metrics.upstream(outcome.kind, (performance.now() - started) / 1000);
    const t = now();
    switch (outcome.kind) {
      case 'ok':
        return buildPositiveEntry(payload as OembedPayload, {
          post: query.post.url, now: t, freshMs: deps.freshMs, staleMs: deps.staleMs, scriptTag: EMBED_SCRIPT_TAG,
        });
      case 'not_embeddable':
        return buildNegativeEntry({ post: query.post.url, now: t, ttlMs: deps.negativeMs });
      case 'invalid_url':
        throw new ProxyError('invalid_url');
      case 'invalid_param':
        throw new ProxyError('invalid_param');
      case 'rate_limited':
        throw new ProxyError('upstream_unavailable', { retryAfterSeconds: outcome.retryAfterSeconds });
      case 'transient':
        throw new ProxyError('upstream_unavailable', { retryAfterSeconds: breaker.retryAfterSeconds || TRANSIENT_RETRY_SECONDS });
      case 'timeout':
        throw new ProxyError('upstream_timeout');
      case 'invalid':
        throw new ProxyError('upstream_invalid');
      case 'error':
        throw new ProxyError('upstream_error');
    }
  };
}
