// One upstream round for a cache key: budget → breaker → Graph API → sanitiser → cache entry, or the error to answer.
import type { Breaker } from './breaker.js';
import { buildNegativeEntry, buildPositiveEntry, type CacheEntry } from './cache.js';
import { ProxyError } from './errors.js';
import type { GraphClient, GraphOutcome } from './graph-client.js';
import type { Logger } from './log.js';
import type { ProxyMetrics } from './metrics.js';
import type { OembedQuery } from './query.js';
import type { UpstreamBudget } from './rate-limit.js';
import { EMBED_SCRIPT_TAG, sanitizeEmbedHtml } from './sanitize-html.js';

/** Retry-After for a transient failure while the breaker is still closed (it reports 0 then). */
const TRANSIENT_RETRY_SECONDS = 5;

export interface UpstreamRoundDeps {
  graph: Pick<GraphClient, 'fetchOembed'>;
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
 * store (positive, or negative for not_embeddable); rejects with the ProxyError to answer (whether an
 * old entry may answer instead is decided by its code, in hits.ts `staleIfError`).
 */
export function createUpstreamRound(deps: UpstreamRoundDeps): (query: OembedQuery) => Promise<CacheEntry> {
  const { graph, breaker, budget, metrics, log, now } = deps;
  return async (query) => {
    // Budget before breaker: a half-open breaker lets exactly one probe through and waits for its
    // report, so it must not hand out a probe that the budget then stops.
    const budgetWait = budget.check();
    if (budgetWait !== null) {
      metrics.rejected.inc('budget_spent');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: budgetWait });
    }
    const breakerWait = breaker.acquire();
    if (breakerWait !== null) {
      metrics.rejected.inc('breaker_open');
      throw new ProxyError('upstream_unavailable', { retryAfterSeconds: breakerWait });
    }
    budget.spend();
    const started = performance.now();
    let outcome: GraphOutcome = await graph.fetchOembed({
      url: query.post.url, hidecaption: query.hidecaption, ...(query.maxwidth !== undefined ? { maxwidth: query.maxwidth } : {}),
    });
    let html: string | null = null;
    if (outcome.kind === 'ok') {
      html = sanitizeEmbedHtml(outcome.oembed.html, query.post.url);
      if (html === null) {
        log.warn('upstream html rejected by the sanitiser', { post: query.post.url });
        // Unusable for us is unusable: it counts as a failure for the breaker and may be answered stale.
        outcome = { kind: 'invalid' };
      }
    }
    breaker.record(outcome);
    metrics.upstream(outcome.kind, (performance.now() - started) / 1000);
    const t = now();
    switch (outcome.kind) {
      case 'ok':
        // The same fields in the same order, legacy ones included when Meta still sends them; only html is replaced.
        return buildPositiveEntry({ ...outcome.oembed, html: html as string }, {
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
