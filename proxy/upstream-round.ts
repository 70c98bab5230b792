// One upstream round for a cache key: budget → breaker → Graph API → sanitiser → field rules and token check → cache entry, or the error to answer.
import type { Breaker } from './breaker.js';
import { buildNegativeEntry, buildPositiveEntry, type CacheEntry, type EmbedPayload } from './cache.js';
import { ProxyError } from './errors.js';
import type { GraphClient, GraphOutcome, UpstreamOembed } from './graph-client.js';
import type { Logger } from './log.js';
import type { ProxyMetrics } from './metrics.js';
import type { OembedQuery } from './query.js';
import type { UpstreamBudget } from './rate-limit.js';
import { cleanEmbedHtml, EMBED_SCRIPT_TAG } from './sanitize-html.js';
import { FIELD_RULES } from '../instagram/oembed-fields.js';

/** Retry-After for a transient failure while the breaker is still closed (it reports 0 then). */
const TRANSIENT_RETRY_SECONDS = 5;

/**
 * The response fields of an upstream answer, with its html replaced by the sanitised one. A field whose
 * value cannot be true by Instagram's rules (instagram/oembed-fields.ts) is left out, never replaced,
 * and its name added to `dropped` for the log; a thumbnail's size goes with its URL.
 */
function payloadOf(o: UpstreamOembed, html: string, dropped: string[]): EmbedPayload {
  const field = (name: keyof typeof FIELD_RULES): Partial<EmbedPayload> => {
    const value = o[name];
    if (value === undefined) return {};
    if (FIELD_RULES[name](value)) return { [name]: value } as Partial<EmbedPayload>;
    dropped.push(name);
    return {};
  };
  // Serialised in this order. Legacy fields (author, thumbnail) exist only for apps on older terms.
  const p: EmbedPayload = {
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
  budget: UpstreamBudget;
  metrics: Pick<ProxyMetrics, 'rejected' | 'upstream'>;
  log: Logger;
  now: () => number;
  freshMs: number;
  staleMs: number;
  negativeMs: number;
}

/**
 * The loader the cache runs once per key however many requests wait on it. Resolves to the entry to
 * store (positive, or negative for not_embeddable); rejects with the ProxyError to answer, marked
 * `staleOk` when an old entry may be served instead.
 */
export function createUpstreamRound(deps: UpstreamRoundDeps): (query: OembedQuery) => Promise<CacheEntry> {
  const { graph, breaker, budget, metrics, log, now } = deps;
  return async (query) => {
    // Budget before breaker: a half-open breaker lets exactly one probe through and waits for its
    // report, so it must not hand out a probe that the budget then stops.
    const budgetWait = budget.check();
    if (budgetWait !== null) {
      metrics.rejected.inc('budget_spent');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: budgetWait, staleOk: true });
    }
    const breakerWait = breaker.acquire();
    if (breakerWait !== null) {
      metrics.rejected.inc('breaker_open');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: breakerWait, staleOk: true });
    }
    budget.spend();
    const started = performance.now();
    let outcome: GraphOutcome = await graph.fetchOembed({
      url: query.post.url, hidecaption: query.hidecaption, ...(query.maxwidth !== undefined ? { maxwidth: query.maxwidth } : {}),
    });
    let payload: EmbedPayload | null = null;
    if (outcome.kind === 'ok') {
      const cleaned = cleanEmbedHtml(outcome.oembed.html, query.post.url);
      const dropped: string[] = [];
      if ('refused' in cleaned) {
        log.warn('upstream html rejected by the sanitiser', { post: query.post.url, reason: cleaned.refused, at: cleaned.at });
      } else {
        payload = payloadOf(outcome.oembed, cleaned.html, dropped);
        if (dropped.length > 0) log.warn('upstream fields dropped: their values cannot be true', { post: query.post.url, fields: dropped });
        // What the client would get, with every escape decoded (JSON's, and the html's entities by the sanitiser).
        if (graph.revealsToken?.(JSON.stringify(payload))) {
          log.warn('upstream answer rejected: it holds the access token', { post: query.post.url });
          payload = null;
        }
      }
      // Unusable for us is unusable: it counts as a failure for the breaker and may be answered stale.
      if (payload === null) outcome = { kind: 'invalid' };
    }
    breaker.record(outcome);
    metrics.upstream(outcome.kind, (performance.now() - started) / 1000);
    const t = now();
    switch (outcome.kind) {
      case 'ok':
        return buildPositiveEntry(payload as EmbedPayload, {
          post: query.post.url, now: t, freshMs: deps.freshMs, staleMs: deps.staleMs, scriptTag: EMBED_SCRIPT_TAG,
        });
      case 'not_embeddable':
        return buildNegativeEntry({ post: query.post.url, now: t, ttlMs: deps.negativeMs });
      case 'invalid_url':
        throw new ProxyError('invalid_url');
      case 'invalid_param':
        throw new ProxyError('invalid_param');
      case 'rate_limited':
        throw new ProxyError('upstream_unavailable', { retryAfterSeconds: outcome.retryAfterSeconds, staleOk: true });
      case 'transient':
        throw new ProxyError('upstream_unavailable', { retryAfterSeconds: breaker.retryAfterSeconds || TRANSIENT_RETRY_SECONDS, staleOk: true });
      case 'timeout':
        throw new ProxyError('upstream_timeout', { staleOk: true });
      case 'invalid':
        throw new ProxyError('upstream_invalid', { staleOk: true });
      case 'error':
        throw new ProxyError('upstream_error');
    }
  };
}
