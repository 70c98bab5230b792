/** Prometheus text rendering of the proxy's metrics. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Counter, Histogram, ProxyMetrics } from '../../proxy/metrics.js';

describe('metrics', () => {
  test('a counter renders HELP, TYPE and one line per label set', () => {
    const c = new Counter('x_total', 'Things.', ['route', 'status']);
    c.inc('oembed', '200');
    c.inc('oembed', '200');
    c.inc('oembed', '404');
    assert.equal(c.render(), [
      '# HELP x_total Things.',
      '# TYPE x_total counter',
      'x_total{route="oembed",status="200"} 2',
      'x_total{route="oembed",status="404"} 1',
      '',
    ].join('\n'));
    assert.equal(c.get('oembed', '200'), 2);
  });

  test('label values are escaped', () => {
    const c = new Counter('y_total', 'Y.', ['v']);
    c.inc('a"b\\c\nd');
    assert.match(c.render(), /^y_total\{v="a\\"b\\\\c\\nd"\} 1$/m);
  });

  test('a histogram has cumulative buckets, +Inf, sum and count', () => {
    const h = new Histogram('lat_seconds', 'Latency.', [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(3);
    assert.equal(h.render(), [
      '# HELP lat_seconds Latency.',
      '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{le="0.1"} 1',
      'lat_seconds_bucket{le="1"} 2',
      'lat_seconds_bucket{le="+Inf"} 3',
      'lat_seconds_sum 3.55',
      'lat_seconds_count 3',
      '',
    ].join('\n'));
  });

  test('the proxy set reads live gauges at scrape time', () => {
    let entries = 1;
    const m = new ProxyMetrics({ cacheEntries: () => entries, cacheBytes: () => 2048, breakerState: () => 'half_open', budgetLeft: () => 7 });
    m.request('oembed', 200);
    m.cacheEvent('stale');
    m.upstream('timeout', 3);
    entries = 4;
    const text = m.render();
    assert.match(text, /^igembed_http_requests_total\{route="oembed",status="200"\} 1$/m);
    assert.match(text, /^igembed_cache_requests_total\{result="stale"\} 1$/m);
    assert.match(text, /^igembed_upstream_calls_total\{outcome="timeout"\} 1$/m);
    assert.match(text, /^igembed_upstream_duration_seconds_bucket\{le="2.5"\} 0$/m);
    assert.match(text, /^igembed_upstream_duration_seconds_bucket\{le="5"\} 1$/m);
    assert.match(text, /^igembed_cache_entries 4$/m);
    assert.match(text, /^igembed_cache_bytes 2048$/m);
    assert.match(text, /^igembed_breaker_state\{state="half_open"\} 1$/m);
    assert.match(text, /^igembed_breaker_state\{state="open"\} 0$/m);
    assert.match(text, /^igembed_upstream_budget_remaining 7$/m);
    // Every sample line is `name{labels} value`; every metric has HELP and TYPE.
    for (const line of text.trimEnd().split('\n')) assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [0-9.e+-]+|\w+(\{[^}]*\})? \+Inf)$/);
  });
});
