// Proxy status page: reads /metrics (Prometheus text) and /healthz and shows them as readable tables, refreshing.
import { histogramQuantile, parsePrometheus, type Family } from './prometheus.js';

const REFRESH_MS = 5000;

const GROUPS: Array<{ title: string; match: RegExp }> = [
  { title: 'Cache', match: /cache|coalesc/ },
  { title: 'Circuit breaker', match: /breaker/ },
  { title: 'Budget and limits', match: /budget|rejected|rate_limit/ },
  { title: 'Upstream (Graph API)', match: /upstream|graph/ },
  { title: 'Requests', match: /request|http|response/ },
  { title: 'Shared cache (Redis)', match: /^l2_/ },
];

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

function formatValue(name: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (/bytes/.test(name)) {
    if (value >= 1024 * 1024) return `${decimal.format(value / 1024 / 1024)} MiB`;
    if (value >= 1024) return `${decimal.format(value / 1024)} KiB`;
    return `${integer.format(value)} B`;
  }
  if (/_seconds$/.test(name)) return value < 1 ? `${decimal.format(value * 1000)} ms` : `${decimal.format(value)} s`;
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

/** `igembed_upstream_duration_seconds` → `upstream duration`: drop the common prefix and the suffix, keep the words. */
function humanName(name: string, prefix: string): string {
  return name.slice(prefix.length).replace(/_(total|seconds)$/, '').replace(/_/g, ' ');
}

function commonPrefix(names: string[]): string {
  if (names.length < 2) return '';
  let prefix = names[0] ?? '';
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('_') + 1);
}

function labelText(labels: Record<string, string>, skip: string[] = []): string {
  return Object.entries(labels).filter(([k]) => !skip.includes(k)).map(([k, v]) => `${k}=${v}`).join(', ');
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.append(...children);
  return element;
}

function row(title: string, labels: string, help: string, value: string): HTMLTableRowElement {
  const cell = h('td', '', title);
  if (labels) cell.append(' ', h('code', 'labels', labels));
  if (help) cell.append(h('span', 'help', help));
  return h('tr', '', cell, h('td', 'num', value));
}

function familyRows(family: Family, prefix: string): HTMLTableRowElement[] {
  const title = humanName(family.name, prefix);
  if (family.type === 'histogram') {
    // One row per label set: count, mean and estimated p50 / p95.
    const sets = new Map<string, { labels: string; sum: number; count: number; buckets: Array<{ le: number; count: number }> }>();
    for (const s of family.samples) {
      const key = labelText(s.labels, ['le']);
      let set = sets.get(key);
      if (!set) sets.set(key, (set = { labels: key, sum: 0, count: 0, buckets: [] }));
      if (s.name.endsWith('_bucket')) set.buckets.push({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value });
      else if (s.name.endsWith('_sum')) set.sum = s.value;
      else if (s.name.endsWith('_count')) set.count = s.value;
    }
    return [...sets.values()].flatMap((set, i) => {
      const help = i === 0 ? family.help : '';
      if (set.count === 0) return [row(title, set.labels, help, 'no samples')];
      const p50 = histogramQuantile(0.5, set.buckets);
      const p95 = histogramQuantile(0.95, set.buckets);
      return [
        row(`${title}: samples`, set.labels, help, integer.format(set.count)),
        row(`${title}: mean`, set.labels, '', formatValue(family.name, set.sum / set.count)),
        ...(p50 === null ? [] : [row(`${title}: p50 (estimated)`, set.labels, '', formatValue(family.name, p50))]),
        ...(p95 === null ? [] : [row(`${title}: p95 (estimated)`, set.labels, '', formatValue(family.name, p95))]),
      ];
    });
  }
  // A state-set gauge (one series per state, 1 for the current one) reads better as the state's name.
  if (family.type === 'gauge' && family.samples.length > 1 && family.samples.every((s) => 'state' in s.labels)) {
    const current = family.samples.find((s) => s.value === 1)?.labels.state ?? 'unknown';
    return [row(title, '', family.help, current.replace('_', '-'))];
  }
  return family.samples.map((s, i) => row(title, labelText(s.labels), i === 0 ? family.help : '', formatValue(family.name, s.value)));
}

function renderGroups(families: Family[]): HTMLElement[] {
  const prefix = commonPrefix(families.map((f) => f.name));
  const grouped = new Map<string, Family[]>();
  for (const family of families) {
    const title = GROUPS.find((g) => g.match.test(family.name.slice(prefix.length)))?.title ?? 'Process';
    grouped.set(title, [...(grouped.get(title) ?? []), family]);
  }
  const order = [...GROUPS.map((g) => g.title), 'Process'];
  return order.filter((title) => grouped.has(title)).map((title) => {
    const table = h('table', '', h('caption', '', title),
      h('thead', '', h('tr', '', h('th', '', 'Metric'), h('th', 'num', 'Value'))));
    table.dataset.group = title;
    const body = h('tbody');
    for (const family of grouped.get(title) ?? []) body.append(...familyRows(family, prefix));
    table.append(body);
    return h('div', 'table-wrap', table);
  });
}

function sum(families: Family[], pattern: RegExp, labelPattern?: RegExp): number | null {
  let total: number | null = null;
  for (const family of families) {
    if (family.type === 'histogram' || !pattern.test(family.name)) continue;
    total ??= 0;
    for (const s of family.samples) {
      if (labelPattern && !Object.values(s.labels).some((v) => labelPattern.test(v))) continue;
      total = (total ?? 0) + s.value;
    }
  }
  return total;
}

function summaryItem(term: string, value: string, tone = ''): HTMLElement {
  const dd = h('dd', '', tone ? h('span', `badge ${tone}`, value) : value);
  return h('div', 'card', h('dt', '', term), dd);
}

/** The state whose series is 1 in a state-set gauge such as `igembed_breaker_state{state="open"} 1`. */
function currentState(families: Family[], pattern: RegExp): string | null {
  for (const family of families) {
    if (!pattern.test(family.name)) continue;
    const current = family.samples.find((s) => s.value === 1 && s.labels.state);
    if (current?.labels.state) return current.labels.state;
  }
  return null;
}

/** The headline figures; each is shown only if the proxy exports something it can be read from. */
function renderSummary(families: Family[], health: Record<string, unknown> | null): HTMLElement[] {
  const items: HTMLElement[] = [];
  if (health) {
    const status = typeof health.status === 'string' ? health.status : 'ok';
    // "degraded: breaker open, budget spent": the reasons misses are refused while hits are still served.
    const reasons = Array.isArray(health.degraded) ? health.degraded.filter((r): r is string => typeof r === 'string') : [];
    const text = reasons.length > 0 ? `${status}: ${reasons.map((r) => r.replaceAll('_', ' ')).join(', ')}` : status;
    items.push(summaryItem('Health', text, status === 'ok' ? 'ok' : 'warn'));
  }
  if (typeof health?.upstream === 'string') {
    const mode = health.upstream === 'live' ? `live, ${health.token === true ? 'with token' : 'tokenless'}` : health.upstream;
    items.push(summaryItem('Upstream', mode));
  }
  const reported = health?.breaker;
  const breaker = typeof reported === 'string' ? reported
    : reported && typeof reported === 'object' && 'state' in reported ? String(reported.state)
      : currentState(families, /breaker_state/);
  if (breaker) {
    items.push(summaryItem('Circuit breaker', breaker.replace('_', '-'), breaker === 'closed' ? 'ok' : breaker === 'open' ? 'bad' : 'warn'));
  }
  const lookups = sum(families, /cache_(requests|lookups)/);
  const misses = sum(families, /cache_(requests|lookups)/, /^miss$/);
  const hits = sum(families, /cache_(requests|lookups)/, /^hit$/);
  if (hits !== null) items.push(summaryItem('Cache hits', integer.format(hits)));
  if (lookups && misses !== null) items.push(summaryItem('Served from cache', `${decimal.format((100 * (lookups - misses)) / lookups)} %`));
  const entries = sum(families, /cache_entries$/);
  if (entries !== null) items.push(summaryItem('Cached entries', integer.format(entries)));
  const bytes = sum(families, /cache_bytes$/);
  if (bytes !== null) items.push(summaryItem('Cache size', formatValue('bytes', bytes)));
  const upstream = sum(families, /upstream_calls/);
  if (upstream !== null) items.push(summaryItem('Upstream calls', integer.format(upstream)));
  const budget = sum(families, /budget_(remaining|left)/);
  if (budget !== null) items.push(summaryItem('Budget left this hour', integer.format(budget)));
  return items;
}

const updated = document.getElementById('updated');
const problem = document.getElementById('problem');
const summary = document.getElementById('summary');
const groups = document.getElementById('groups');
const toggle = document.getElementById('toggle');
let timer: ReturnType<typeof setTimeout> | undefined;
let paused = false;

async function refresh(): Promise<void> {
  if (!updated || !problem || !summary || !groups) return;
  try {
    const [metricsResponse, healthResponse] = await Promise.all([
      fetch('/metrics', { cache: 'no-store' }),
      fetch('/healthz', { cache: 'no-store' }),
    ]);
    const health = healthResponse.ok ? await readJson(healthResponse) : null;
    if (metricsResponse.status === 401 || metricsResponse.status === 403) {
      throw new Error('This proxy protects /metrics with METRICS_TOKEN, so its figures are not shown here.');
    }
    if (!metricsResponse.ok) throw new Error(`/metrics answered HTTP ${metricsResponse.status}.`);
    const families = parsePrometheus(await metricsResponse.text());
    summary.replaceChildren(...renderSummary(families, health));
    groups.replaceChildren(...renderGroups(families));
    problem.hidden = true;
    updated.textContent = `Updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
  } catch (error) {
    problem.textContent = error instanceof Error ? error.message : String(error);
    problem.hidden = false;
    updated.textContent = 'Update failed';
  } finally {
    if (!paused) timer = setTimeout(() => void refresh(), REFRESH_MS);
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

toggle?.addEventListener('click', () => {
  paused = !paused;
  toggle.textContent = paused ? 'Resume' : 'Pause';
  clearTimeout(timer);
  if (!paused) void refresh();
});

if (updated) void refresh();
