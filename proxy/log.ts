/** One-line JSON logs with every configured secret redacted, wherever in the line it appears. */

/** The fields of the one line each request writes, in this order; `cache` is undefined when no cache was involved. */
export type RequestLine = {
  readonly id: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly ms: number;
  readonly cache: string | undefined;
};

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /**
   * Optional: the per-request line. The proxy calls it when present and `info('request', line)`
   * otherwise, so a logger without it sees every request too. createLogger's writes exactly what
   * that `info` call would, without the generic walk over the fields (it runs on every hit).
   */
  request?(line: RequestLine): void;
}

export const REDACTED = '[redacted]';

/**
 * Every spelling under which a secret can reach a log line: raw, JSON-escaped, URL-encoded (either
 * hex case, `+` or `%20` for spaces) and, for `APPID|SECRET` tokens, the secret half alone (the app id
 * is public, the half after `|` is what must never leak).
 */
function spellings(secret: string): string[] {
  const parts = [secret];
  const pipe = /^[0-9]+\|(.+)$/.exec(secret);
  if (pipe?.[1]) parts.push(pipe[1]);
  const out = new Set<string>();
  for (const part of parts) {
    const encoded = encodeURIComponent(part);
    for (const form of [part, JSON.stringify(part).slice(1, -1), encoded, encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      encoded.replace(/%20/g, '+')]) {
      if (form !== '') out.add(form);
    }
  }
  return [...out];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON.stringify loses Error details and throws on bigint or cycles; logging must never throw. */
function serialise(record: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(record, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message };
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[circular]';
        seen.add(value);
      }
      return value;
    });
  } catch {
    return JSON.stringify({ t: record.t, level: record.level, msg: record.msg, logError: 'fields not serialisable' });
  }
}

/** Characters JSON.stringify would escape in a string: quotes, backslash, controls, and any surrogate (lone ones get \u escapes). */
// eslint-disable-next-line no-control-regex -- JSON escapes exactly these control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON: most log values need no escaping, and a template is far cheaper than a stringify call. */
function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A number as JSON writes it. */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * The JSON text of `{ t, level, msg, ...fields }` when every field is a plain value, exactly as
 * JSON.stringify would write it (same order, same escapes, undefined/function/symbol left out);
 * null when a field needs the safe path (objects, bigints) or a key would reorder the record
 * (JSON puts integer-like keys first).
 */
function flatLine(t: string, level: string, msg: string, fields: Record<string, unknown> | undefined): string | null {
  let line = `{"t":"${t}","level":"${level}","msg":${jsonString(msg)}`;
  for (const key in fields) {
    if (key === 't' || key === 'level' || key === 'msg') continue;
    const c = key.charCodeAt(0);
    if (c >= 48 && c <= 57) return null;
    const value = fields[key];
    switch (typeof value) {
      case 'string':
        line += `,${jsonString(key)}:${jsonString(value)}`;
        break;
      case 'number':
        line += `,${jsonString(key)}:${jsonNumber(value)}`;
        break;
      case 'boolean':
        line += `,${jsonString(key)}:${value ? 'true' : 'false'}`;
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        break;
      default:
        if (value !== null) return null;
        line += `,${jsonString(key)}:null`;
    }
  }
  return `${line}}`;
}

export function createLogger(options: { secrets: string[]; write?: (line: string) => void }): Required<Logger> {
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  // Longest first so a token is replaced whole before its secret half could match inside it.
  const forms = [...new Set(options.secrets.filter((s) => s !== '').flatMap(spellings))].sort((a, b) => b.length - a.length);
  const pattern = forms.length > 0 ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : null;

  // Under load many lines share a millisecond; formatting the timestamp once per millisecond saves
  // a Date and a toISOString on most request lines.
  let lastMs = Number.NaN;
  let lastIso = '';
  const timestamp = (): string => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };

  function emit(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    const t = timestamp();
    // Every request writes a line, so plain-value records (the request line) are written straight
    // to JSON text; anything holding an object, error or bigint takes the safe path.
    let line = flatLine(t, level, msg, fields);
    if (line === null) {
      const record: Record<string, unknown> = { t, level, msg };
      for (const key in fields) {
        if (key !== 't' && key !== 'level' && key !== 'msg') record[key] = fields[key];
      }
      line = serialise(record);
    }
    write(pattern ? line.replace(pattern, REDACTED) : line);
  }

  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    request: ({ id, method, route, status, ms, cache }) => {
      const line = `{"t":"${timestamp()}","level":"info","msg":"request","id":${jsonString(id)},"method":${jsonString(method)},`
        + `"route":${jsonString(route)},"status":${jsonNumber(status)},"ms":${jsonNumber(ms)}`
        + `${cache === undefined ? '' : `,"cache":${jsonString(cache)}`}}`;
      write(pattern ? line.replace(pattern, REDACTED) : line);
    },
  };
}

/**
 * A `write` for createLogger that sends lines to stdout in one write per event-loop turn instead
 * of one write each: under load that is one system call for many request lines. Order is kept, and
 * the buffer is flushed on exit.
 */
export function batchedStdout(): (line: string) => void {
  // Appending to one string costs less than an array and a join: the write copies it out once anyway.
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    process.stdout.write(chunk);
  };
  process.on('exit', flush);
  return (line) => {
    pending += `${line}\n`;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
