// The shared level on Redis: entries, locks for single flight across replicas, the channels (results, revocations, the fleet's news), and bounded scripts for the fleet's quota and pause.
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CacheEntry } from './cache.js';
import { ERRORS } from './errors.js';
import { decodeEntry, encodeEntry, L2_SCHEMA } from './l2-codec.js';
import type { Logger } from './log.js';

export type L2State = 'off' | 'ok' | 'down';

/** What a replica that fetched a key tells the others waiting on it. */
export type RoundResult = { kind: 'entry' } | { kind: 'error'; code: string; retryAfterSeconds?: number };

/** How a wait for another replica's round ended. */
export type WaitResult = RoundResult | { kind: 'timeout' } | { kind: 'lock_gone' };

export interface L2Store {
  readonly state: L2State;
  /** The shared entry for `key`, or undefined (none, or Redis unavailable: never throws, never waits past the deadline). */
  get(key: string): Promise<CacheEntry | undefined>;
  /** Stores `entry` for `key` until it may no longer be served, indexed under its post. */
  put(key: string, entry: CacheEntry): Promise<void>;
  /** Deletes every entry of `post` and tells every replica to drop its memory copies. */
  revokePost(post: string): Promise<void>;
  /**
   * Takes the fetch lock for `key`: `taken` with the token to release it with, `held` by another replica,
   * or `unknown` (Redis unavailable, or the call passed its deadline and may still have taken it: the
   * caller then acts as the holder, so a lock taken late is still released and announced).
   */
  lock(key: string): Promise<{ status: 'taken' | 'held' | 'unknown'; token: string }>;
  unlock(key: string, token: string): Promise<void>;
  /** Tells the replicas waiting on `key` how the round ended. */
  announce(key: string, result: RoundResult): Promise<void>;
  /** Waits for the holder of `key`'s lock to announce its result, at most `ms`; `lock_gone` when the lock vanished without one (the holder died). */
  waitFor(key: string, ms: number): Promise<WaitResult>;
  /** The full name of the fleet's key `name` (under the prefix and schema version), for `run`. */
  key(name: string): string;
  /** Runs a Lua script on `keys` (names from `key()`), bounded like every call: its reply, or undefined when Redis is unavailable or the call failed. */
  run(op: string, lua: string, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown>;
  /** Tells every other replica `message` (a JSON object); they hear it through `onFleet`. */
  tellFleet(message: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface L2Options {
  url: string;
  /** Deadline of every Redis call. */
  timeoutMs: number;
  /** Prefix of every key and channel; the schema version follows it. */
  keyPrefix: string;
  /** The fetch lock outlives the upstream deadline, so a live holder always finishes first. */
  lockMs: number;
  log: Logger;
  now?: () => number;
  /** Another replica learned that `post` is not embeddable: drop memory copies of it. */
  onRevoke(post: string): void;
  /** Redis is back after being down: messages may have been missed, so memory copies are suspect. */
  onRecover(): void;
  /** Another replica's news for the fleet (a rate-limit pause, a probe answered), as it sent it to `tellFleet`. */
  onFleet?(message: Record<string, unknown>): void;
  onError?(op: string): void;
  onStateChange?(state: L2State): void;
}

/** A result message as a replica of this version writes it; anything else (another version, junk) is ignored. */
function isRoundResult(value: unknown): value is RoundResult {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  if (r.kind === 'entry') return true;
  return r.kind === 'error' && typeof r.code === 'string' && r.code in ERRORS
    && (r.retryAfterSeconds === undefined || (typeof r.retryAfterSeconds === 'number' && Number.isFinite(r.retryAfterSeconds) && r.retryAfterSeconds >= 0));
}

/** Consecutive failed calls (timeouts on a live connection: a stopped or overloaded server) that count as down. */
const FAILURES_BEFORE_DOWN = 3;
/** While down on a live connection, a PING this often tells when Redis answers again. */
const PROBE_MS = 1000;
/** How often a waiter checks that the lock it waits on still exists, in case the result message was missed. */
const LOCK_POLL_MS = 200;

/** What turns Redis persistence on: RDB snapshots (`save` points) or the append-only file. */
export function persistenceOf(save: string, appendonly: string): string[] {
  const on: string[] = [];
  if (save.trim() !== '') on.push(`save "${save.trim()}"`);
  if (appendonly.trim().toLowerCase() === 'yes') on.push('appendonly yes');
  return on;
}

// Deletes the lock only if it is still ours (the holder may have outlived it).
const UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Why every call is bounded and optional: Redis is a cache in front of a cache. When it is slow or gone
 * the proxy serves from memory and upstream as it did without it, so each call gives up after
 * `timeoutMs` (ioredis `commandTimeout`), fails at once while disconnected (no offline queue), and
 * nothing is retried on the request path. ioredis reconnects in the background with back-off.
 */
export function createL2Store(options: L2Options): L2Store {
  const { log, keyPrefix, timeoutMs } = options;
  const base = `${keyPrefix}${L2_SCHEMA}:`;
  const entryKey = (key: string) => `${base}entry:${key}`;
  const lockKey = (key: string) => `${base}lock:${key}`;
  const postKey = (post: string) => `${base}post:${post}`;
  const DONE = `${base}done`;
  const REVOKE = `${base}revoke`;
  const FLEET = `${base}fleet`;
  const replicaId = randomBytes(6).toString('hex');
  const now = options.now ?? Date.now;

  const connection = (name: string) => new Redis(options.url, {
    connectionName: `ig-embed-${name}-${replicaId}`,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(1000, timeoutMs),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnect with back-off, forever: 100 ms doubling to 5 s.
    retryStrategy: (times) => Math.min(5000, 100 * 2 ** Math.min(times, 6)),
  });
  const redis = connection('cmd');
  const subscriber = connection('sub');

  let state: L2State = 'down';
  let wasUp = false;
  /** The subscriber lost its connection since Redis was last up: revocations may have gone unheard. */
  let missedMessages = false;
  let failures = 0;
  let probe: ReturnType<typeof setInterval> | undefined;
  let persistenceChecked = false;
  const waiters = new Map<string, Set<(result: RoundResult) => void>>();

  function setState(next: L2State, why: string): void {
    if (next === state) return;
    // A slow but connected Redis (down by timeouts, up again by the probe) lost no message: memory stays.
    const recovering = next === 'ok' && wasUp && missedMessages;
    state = next;
    if (next === 'ok') {
      wasUp = true;
      missedMessages = false;
      failures = 0;
      if (probe !== undefined) clearInterval(probe);
      probe = undefined;
      log.info('redis available: replicas share the cache', { l2: 'ok' });
      if (!persistenceChecked) void checkPersistence();
      if (recovering) options.onRecover();
    } else {
      log.warn('redis unavailable: serving from memory and upstream until it returns', { l2: 'down', cause: why });
    }
    options.onStateChange?.(next);
  }

  /**
   * Meta's terms forbid persisting oEmbed data, so a Redis that writes snapshots or an append-only file
   * is worth one warning at boot. Managed services often refuse CONFIG (renamed, or not in the ACL):
   * then nothing is known and nothing is said; such a refusal is not a Redis failure either.
   */
  async function checkPersistence(): Promise<void> {
    persistenceChecked = true;
    let on: string[];
    try {
      const [save, appendonly] = await Promise.all([redis.config('GET', 'save'), redis.config('GET', 'appendonly')]) as [string[], string[]];
      on = persistenceOf(save[1] ?? '', appendonly[1] ?? '');
    } catch {
      return;
    }
    if (on.length > 0) {
      log.warn('redis persists to disk: Meta\'s terms forbid storing oEmbed data beyond showing it, so turn persistence off', {
        persistence: on.join(', '),
        hint: 'save "" and appendonly no in redis.conf (deploy/redis.conf); on a managed service, turn snapshots and AOF off',
      });
    }
  }

  // Up only while both connections are: without the subscriber, results and revocations go unheard.
  const ready = { cmd: false, sub: false };
  const connected = (which: keyof typeof ready, up: boolean, why: string) => {
    ready[which] = up;
    if (ready.cmd && ready.sub) setState('ok', why);
    else if (!up) setState('down', why);
  };
  redis.on('ready', () => connected('cmd', true, 'ready'));
  redis.on('close', () => connected('cmd', false, 'connection closed'));
  // ioredis reports connection errors here (and reconnects); without a listener they would be thrown.
  redis.on('error', (err: NodeJS.ErrnoException) => {
    options.onError?.('connection');
    connected('cmd', false, err.code ?? 'error');
  });
  subscriber.on('ready', () => {
    // Subscribed on every (re)connect: with no offline queue, a subscription asked for earlier never happened.
    subscriber.subscribe(DONE, REVOKE, FLEET).then(() => connected('sub', true, 'ready'), () => connected('sub', false, 'subscribe failed'));
  });
  subscriber.on('close', () => {
    missedMessages = true;
    connected('sub', false, 'connection closed');
  });
  subscriber.on('error', () => options.onError?.('subscriber'));
  subscriber.on('message', (channel: string, message: string) => {
    let data: { key?: unknown; post?: unknown; from?: unknown; result?: RoundResult; message?: unknown };
    try {
      data = JSON.parse(message) as typeof data;
    } catch {
      return;
    }
    if (channel === REVOKE && typeof data.post === 'string' && data.from !== replicaId) options.onRevoke(data.post);
    if (channel === FLEET && data.from !== replicaId && typeof data.message === 'object' && data.message !== null) {
      options.onFleet?.(data.message as Record<string, unknown>);
    }
    if (channel === DONE && typeof data.key === 'string' && isRoundResult(data.result)) {
      for (const resolve of waiters.get(data.key) ?? []) resolve(data.result);
    }
  });

  /**
   * A Lua script by its SHA-1 (EVALSHA): the quota's script runs twice per upstream call, so its text is sent only
   * when the server does not have it yet (first use, or after a restart: NOSCRIPT), not on every call.
   */
  const shas = new Map<string, string>(); // the few constant scripts of l2-store, fleet-quota and fleet-pause
  async function script(lua: string, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    let sha = shas.get(lua);
    if (sha === undefined) shas.set(lua, sha = createHash('sha1').update(lua).digest('hex'));
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err as Error).message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  }

  /** Runs one Redis call if Redis is usable; a failure counts, and enough of them in a row mean down. */
  async function call<T>(op: string, run: () => Promise<T>): Promise<T | undefined> {
    if (state !== 'ok') return undefined;
    try {
      const result = await run();
      failures = 0;
      return result;
    } catch (err) {
      options.onError?.(op);
      if (++failures >= FAILURES_BEFORE_DOWN && state === 'ok') {
        setState('down', (err as Error).message.includes('timed out') ? 'timeout' : (err as NodeJS.ErrnoException).code ?? 'error');
        probe ??= setInterval(() => {
          // Only with the subscriber listening: up without it, results and revocations would go unheard.
          redis.ping().then(() => { if (ready.sub) setState('ok', 'ping'); }, () => {});
        }, PROBE_MS).unref();
      }
      return undefined;
    }
  }

  return {
    get state() { return state; },
    async get(key) {
      const bytes = await call('get', () => redis.getBuffer(entryKey(key)));
      return bytes ? decodeEntry(bytes) : undefined;
    },
    async put(key, entry) {
      const ttl = Math.ceil((entry.kind === 'ok' ? entry.staleUntil : entry.until) - now());
      if (ttl <= 0) return;
      await call('put', () => redis.multi()
        .set(entryKey(key), encodeEntry(entry), 'PX', ttl)
        .sadd(postKey(entry.post), key)
        // The index lives as long as its longest-lived entry (GT: never shortened by a shorter one).
        .pexpire(postKey(entry.post), ttl, 'GT')
        .pexpire(postKey(entry.post), ttl, 'NX')
        .exec());
    },
    async revokePost(post) {
      await call('revoke', async () => {
        const keys = await redis.smembers(postKey(post));
        await redis.del(postKey(post), ...keys.map(entryKey));
        await redis.publish(REVOKE, JSON.stringify({ post, from: replicaId }));
      });
    },
    async lock(key) {
      const token = randomBytes(8).toString('hex');
      const taken = await call('lock', () => redis.set(lockKey(key), token, 'PX', options.lockMs, 'NX'));
      return { status: taken === undefined ? 'unknown' : taken === 'OK' ? 'taken' : 'held', token };
    },
    async unlock(key, token) {
      await call('unlock', () => script(UNLOCK, [lockKey(key)], [token]));
    },
    async announce(key, result) {
      await call('announce', () => redis.publish(DONE, JSON.stringify({ key, result })));
    },
    waitFor(key, ms) {
      return new Promise<WaitResult>((resolve) => {
        let set = waiters.get(key);
        if (set === undefined) waiters.set(key, (set = new Set()));
        let settled = false;
        const done = (result: WaitResult) => {
          // A poll still in flight may answer after the wait ended; and the set may be a newer waiter's by then.
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          clearInterval(poll);
          set.delete(finish);
          if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
          resolve(result);
        };
        const finish = (result: RoundResult) => done(result);
        set.add(finish);
        const deadline = setTimeout(() => done({ kind: 'timeout' }), ms);
        const poll = setInterval(() => {
          void call('wait', () => redis.exists(lockKey(key))).then((exists) => {
            if (exists === 0) done({ kind: 'lock_gone' });
            if (exists === undefined) done({ kind: 'timeout' });
          });
        }, LOCK_POLL_MS);
      });
    },
    key: (name) => `${base}${name}`,
    run(op, lua, keys, args) {
      return call(op, () => script(lua, keys, args));
    },
    async tellFleet(message) {
      await call('fleet', () => redis.publish(FLEET, JSON.stringify({ from: replicaId, message })));
    },
    async close() {
      if (probe !== undefined) clearInterval(probe);
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
