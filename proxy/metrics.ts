// Prometheus metrics for the proxy: a few hand-written counters, gauges and one histogram, rendered as text format 0.0.4.
import type { L2State } from './l2-store.js';

type Labels = Readonly<Record<string, string>>;

/** Prometheus label value escaping: backslash, double quote and newline. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const parts = Object.keys(labels).map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export class Counter {
  // Keyed by the joined label values so an increment on the request path is one Map lookup.
  readonly #values = new Map<string, { values: readonly string[]; n: number }>();
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[] = []) {}

  inc(...values: string[]): void {
    this.row(values).n += 1;
  }

  /** The live row for these label values (created at 0): hot callers keep it and increment `n` directly. */
  row(values: readonly string[]): { readonly values: readonly string[]; n: number } {
    const key = values.join('\u0001');
    let row = this.#values.get(key);
    if (!row) this.#values.set(key, (row = { values, n: 0 }));
    return row;
  }

  get(...values: string[]): number {
    return this.#values.get(values.join('\u0001'))?.n ?? 0;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const { values, n } of this.#values.values()) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => { labels[name] = values[i] ?? ''; });
      out += `${this.name}${labelText(labels)} ${number(n)}\n`;
    }
    return out;
  }
}

export class Gauge {
  constructor(readonly name: string, readonly help: string, readonly collect: () => Array<[Labels, number]> | number) {}

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n`;
    const value = this.collect();
    const rows: Array<[Labels, number]> = typeof value === 'number' ? [[{}, value]] : value;
    for (const [labels, v] of rows) out += `${this.name}${labelText(labels)} ${number(v)}\n`;
    return out;
  }
}

export class Histogram {
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.#series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.#series.values()) {
      this.buckets.forEach((le, i) => {
        out += `${this.name}_bucket${labelText({ ...s.labels, le: number(le) })} ${s.counts[i] ?? 0}\n`;
      });
      out += `${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${number(s.sum)}\n`;
      out += `${this.name}_count${labelText(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

/** Live values the metrics read at scrape time rather than tracking themselves. */
export interface MetricsSources {
  cacheEntries(): number;
  cacheBytes(): number;
  breakerState(): 'closed' | 'open' | 'half_open';
  budgetLeft(): number;
  /** The shared (Redis) level: off without REDIS_URL. */
  l2State?(): L2State;
}

/** `l2_hit`: a memory miss answered from the shared Redis level, without an upstream call. */
export type CacheEvent = 'hit' | 'miss' | 'stale' | 'negative_hit' | 'l2_hit';

/** The proxy's metric set; `render()` is what GET /metrics returns. */
export class ProxyMetrics {
  readonly requests = new Counter('igembed_http_requests_total', 'HTTP requests by route and status.', ['route', 'status']);
  readonly cache = new Counter('igembed_cache_requests_total', 'oEmbed cache lookups by result (hit, miss, stale, negative_hit, l2_hit).', ['result']);
  readonly upstreamCalls = new Counter('igembed_upstream_calls_total', 'Calls to the Graph API by outcome.', ['outcome']);
  readonly upstreamSeconds = new Histogram(
    'igembed_upstream_duration_seconds',
    'Graph API call latency in seconds.',
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly coalesced = new Counter('igembed_coalesced_waiters_total', 'Cache misses that waited on an upstream call already in flight.');
  readonly l2Errors = new Counter('igembed_l2_errors_total', 'Redis calls that failed or timed out, by operation (each one fell back to memory and upstream).', ['op']);
  readonly rejected = new Counter('igembed_rejected_total', 'Misses refused before any upstream call, by reason (rate_limited, client_share, key_backoff, breaker_open, budget_spent).', ['reason']);
  /** Requests being handled right now (maintained by the app's request middleware). */
  inFlight = 0;
  readonly #gauges: Gauge[];

  constructor(sources: MetricsSources) {
    this.#gauges = [
      new Gauge('igembed_http_requests_in_flight', 'Requests being handled now, this scrape included.', () => this.inFlight),
      new Gauge('igembed_cache_entries', 'Entries held in the oEmbed cache.', () => sources.cacheEntries()),
      new Gauge('igembed_cache_bytes', 'Memory the oEmbed cache counts for its entries (bodies, objects, strings, keys), bounded by CACHE_MAX_BYTES.', () => sources.cacheBytes()),
      new Gauge('igembed_breaker_state', 'Circuit breaker state: 1 for the current state.', () => {
        const current = sources.breakerState();
        return (['closed', 'open', 'half_open'] as const).map((state) => [{ state }, state === current ? 1 : 0]);
      }),
      new Gauge('igembed_upstream_budget_remaining', 'Upstream calls left in the rolling hourly budget.', () => sources.budgetLeft()),
      new Gauge('igembed_l2_state', 'The shared Redis level: 1 for the current state (off without REDIS_URL).', () => {
        const current = sources.l2State?.() ?? 'off';
        return (['off', 'ok', 'down'] as const).map((state) => [{ state }, state === current ? 1 : 0]);
      }),
    ];
  }

  // Rows by route, then status, and by cache event: counting a request costs two Map look-ups on
  // keys V8 has already hashed, not a label string built and hashed per request.
  readonly #requestRows = new Map<string, Map<number, { n: number }>>();
  readonly #cacheRows = new Map<CacheEvent, { n: number }>();

  /** Counts one request; `route` is a fixed label (never the raw path), so cardinality stays bounded. */
  request(route: string, status: number): void {
    let byStatus = this.#requestRows.get(route);
    if (!byStatus) this.#requestRows.set(route, (byStatus = new Map()));
    let row = byStatus.get(status);
    if (!row) byStatus.set(status, (row = this.requests.row([route, String(status)])));
    row.n += 1;
  }

  cacheEvent(event: CacheEvent): void {
    let row = this.#cacheRows.get(event);
    if (!row) this.#cacheRows.set(event, (row = this.cache.row([event])));
    row.n += 1;
  }

  upstream(outcome: string, seconds: number): void {
    this.upstreamCalls.inc(outcome);
    this.upstreamSeconds.observe(seconds);
  }

  render(): string {
    return [this.requests, this.cache, this.upstreamCalls, this.upstreamSeconds, this.coalesced, this.rejected, this.l2Errors, ...this.#gauges]
      .map((m) => m.render())
      .join('');
  }
}
