/** One-line JSON logs with every configured secret redacted, wherever in the line it appears. */

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
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

export function createLogger(options: { secrets: string[]; write?: (line: string) => void }): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  // Longest first so a token is replaced whole before its secret half could match inside it.
  const forms = [...new Set(options.secrets.filter((s) => s !== '').flatMap(spellings))].sort((a, b) => b.length - a.length);
  const pattern = forms.length > 0 ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : null;

  function emit(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    const record: Record<string, unknown> = { t: new Date().toISOString(), level, msg };
    // Every request writes a line, so this loop is on the cache-hit path: for…in over the caller's
    // literal avoids the array of pairs Object.entries would allocate.
    let flat = true;
    if (fields) {
      for (const key in fields) {
        if (key === 't' || key === 'level' || key === 'msg') continue;
        const value = fields[key];
        if (typeof value === 'object' ? value !== null : typeof value === 'bigint') flat = false;
        record[key] = value;
      }
    }
    // A record of plain values (the request line) cannot hold an Error, a bigint or a cycle, so it
    // skips the replacer, which costs a call per value. Redaction below covers both paths.
    const line = flat ? JSON.stringify(record) : serialise(record);
    write(pattern ? line.replace(pattern, REDACTED) : line);
  }

  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}
