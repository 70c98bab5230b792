// A small reader for the Prometheus text format, shared by the status page and the end-to-end tests.

export interface Sample { name: string; labels: Record<string, string>; value: number }
export interface Family { name: string; help: string; type: string; samples: Sample[] }

const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

/** Parses the Prometheus text exposition format (0.0.4) into metric families, in the order they appear. */
export function parsePrometheus(text: string): Family[] {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, help: '', type: 'untyped', samples: [] }));
    return found;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (kind === 'HELP') family(name).help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else family(name).type = rest;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!sample) continue;
    const [, name = '', labelText = '', valueText = ''] = sample;
    const labels: Record<string, string> = {};
    for (const match of labelText.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    // Histogram and counter samples carry a suffix; they belong to the family declared without it.
    const suffix = SUFFIXES.find((s) => name.endsWith(s) && families.has(name.slice(0, -s.length)));
    family(suffix ? name.slice(0, -suffix.length) : name).samples.push({ name, labels, value });
  }
  return [...families.values()].filter((f) => f.samples.length > 0);
}

/** Estimates a quantile from cumulative histogram buckets by linear interpolation, as PromQL's histogram_quantile does. */
export function histogramQuantile(q: number, buckets: Array<{ le: number; count: number }>): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return previous.le;
      const width = bucket.count - previous.count;
      return previous.le + (bucket.le - previous.le) * (width === 0 ? 0 : (rank - previous.count) / width);
    }
    previous = bucket;
  }
  return null;
}

/** The sum of a family's samples whose labels include every given label (0 when none match). */
export function metricValue(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  return (family?.samples ?? [])
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}
