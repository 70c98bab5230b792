// The status page's reader of Prometheus text (demo/prometheus.ts): families, labels, histograms, quantiles.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { histogramQuantile, metricValue, parsePrometheus } from '../../demo/prometheus.js';

const TEXT = `# HELP igembed_cache_requests_total oEmbed cache lookups by result (hit, miss).
# TYPE igembed_cache_requests_total counter
igembed_cache_requests_total{result="hit"} 34
igembed_cache_requests_total{result="miss"} 8
# HELP igembed_odd_total A label with \\"quotes\\" and a backslash.
# TYPE igembed_odd_total counter
igembed_odd_total{path="a\\"b\\\\c"} 1
# HELP igembed_upstream_duration_seconds Graph API call latency in seconds.
# TYPE igembed_upstream_duration_seconds histogram
igembed_upstream_duration_seconds_bucket{le="0.1"} 2
igembed_upstream_duration_seconds_bucket{le="1"} 6
igembed_upstream_duration_seconds_bucket{le="+Inf"} 8
igembed_upstream_duration_seconds_sum 5.5
igembed_upstream_duration_seconds_count 8
# HELP igembed_rejected_total Nothing counted yet.
# TYPE igembed_rejected_total counter
`;

describe('Prometheus text reader', () => {
  const families = parsePrometheus(TEXT);

  test('groups samples into their declared families, histogram series included, and drops empty families', () => {
    assert.deepEqual(families.map((f) => [f.name, f.type, f.samples.length]), [
      ['igembed_cache_requests_total', 'counter', 2],
      ['igembed_odd_total', 'counter', 1],
      ['igembed_upstream_duration_seconds', 'histogram', 5],
    ]);
    assert.equal(families[0]?.help, 'oEmbed cache lookups by result (hit, miss).');
  });

  test('unescapes label values', () => {
    assert.deepEqual(families[1]?.samples[0]?.labels, { path: 'a"b\\c' });
  });

  test('sums the samples that carry the given labels', () => {
    assert.equal(metricValue(families, 'igembed_cache_requests_total'), 42);
    assert.equal(metricValue(families, 'igembed_cache_requests_total', { result: 'miss' }), 8);
    assert.equal(metricValue(families, 'igembed_cache_requests_total', { result: 'stale' }), 0);
    assert.equal(metricValue(families, 'igembed_not_exported'), 0);
  });

  test('estimates quantiles from cumulative buckets by linear interpolation', () => {
    const buckets = [{ le: 0.1, count: 2 }, { le: 1, count: 6 }, { le: Infinity, count: 8 }];
    assert.equal(histogramQuantile(0.5, buckets), 0.1 + 0.9 * ((4 - 2) / 4));
    assert.equal(histogramQuantile(0.25, buckets), 0.1);
    // Past the last finite bucket the estimate is that bucket's bound, as in PromQL.
    assert.equal(histogramQuantile(0.95, buckets), 1);
    assert.equal(histogramQuantile(0.5, [{ le: Infinity, count: 0 }]), null);
  });
});
