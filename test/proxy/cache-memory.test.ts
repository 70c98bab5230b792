// CACHE_MAX_BYTES bounds real memory: a cache filled past a 64 MiB cap holds at most 1.25 × the cap of
// live heap after gc(), for small and for real-size posts (measured in a child run with --expose-gc).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./cache-memory-probe.ts', import.meta.url));
const CAP = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

interface Probe { kind: string; entries: number; inserts: number; counted: number; liveHeap: number; heapTotal: number; rss: number }

function probe(kind: 'small' | 'real'): Probe {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', PROBE, kind, String(CAP)], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Probe;
}

describe('the cache at a 64 MiB cap', () => {
  for (const kind of ['small', 'real'] as const) {
    test(`${kind} posts: full, evicting, and live heap after gc() ≤ 1.25 × the cap`, (t) => {
      const p = probe(kind);
      t.diagnostic(`${kind}: ${p.entries} entries of ${p.inserts} inserted, ${(p.counted / MIB).toFixed(1)} MiB counted, `
        + `live heap +${(p.liveHeap / MIB).toFixed(1)} MiB (${(p.liveHeap / CAP).toFixed(2)} × cap), V8 heap committed +${(p.heapTotal / MIB).toFixed(1)} MiB, RSS +${(p.rss / MIB).toFixed(1)} MiB`);
      // The cache is really full and really evicting, so the bound below is about a full cache.
      assert.equal(p.counted > 0.95 * CAP && p.counted <= CAP, true, `counted ${p.counted}`);
      assert.equal(p.inserts >= 2 * p.entries, true, `${p.inserts} inserts for ${p.entries} entries`);
      // What the cache holds is what the probe measured: a broken measurement would not come near the cap.
      assert.equal(p.liveHeap > 0.5 * CAP, true, `live heap ${p.liveHeap}`);
      assert.equal(p.liveHeap <= 1.25 * CAP, true, `live heap ${(p.liveHeap / MIB).toFixed(1)} MiB over a ${CAP / MIB} MiB cap`);
    });
  }
});
