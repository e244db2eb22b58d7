// A Redis-backed cache for tokens and tickets, over an existing ioredis or node-redis client (typed
// structurally: neither package is a dependency). Values are JSON, TTLs are Redis's (PX). It also
// offers the distributed refresh lock (SET NX PX + compare-and-delete) the token manager uses, so
// that across processes only one refresh happens, and an atomic deleteIfEquals for invalidation.
// Every command touches one key (scripts take KEYS[1] only), so a Redis Cluster client works too.
//
// Nothing is sent while the connection is not ready: a command queued by the client's offline queue
// (or resent after a reconnect) would run after the caller gave up on it — a ghost token write, DEL
// or refresh lock. The caller gets an error naming Redis at once instead.
import { randomBytes } from 'node:crypto';
import { WechatTokenError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { MemoryCache, type TokenCache } from '../token/cache.js';

/** The ioredis methods used. */
export interface IoRedisLike {
  /** ioredis's connection state ('ready' when commands can be sent); also on a Cluster */
  readonly status?: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
  del(key: string): Promise<number>;
  eval(script: string, numKeys: number, key: string, arg: string): Promise<unknown>;
}

/** The node-redis (v4+) methods used. */
export interface NodeRedisLike {
  isOpen: boolean;
  /** false while node-redis is (re)connecting */
  readonly isReady?: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { PX?: number; NX?: boolean }): Promise<unknown>;
  del(key: string | string[]): Promise<number>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisCacheOptions {
  /** an ioredis or node-redis client, already configured (and, for node-redis, connected) */
  client: IoRedisLike | NodeRedisLike;
  /** prepended to every key (default none: keys already start with wechat-tools:) */
  prefix?: string;
  /** a Redis command that takes longer fails (default 2000 ms) */
  commandTimeoutMs?: number;
  /**
   * When Redis fails: 'error' (default) fails the call with an error naming Redis; 'memory' falls
   * back to an in-process cache (with a warning) until Redis answers again.
   */
  onFailure?: 'error' | 'memory';
  logger?: Logger;
}

export interface DistributedLock {
  /** Try to take the lock; the returned token releases it. undefined when another holder has it. */
  acquireLock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Release only if we still hold it (compare-and-delete). */
  releaseLock(key: string, token: string): Promise<void>;
}

/** Compare-and-delete on one key: the lock's release and deleteIfEquals. */
const DELETE_IF_EQUALS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class RedisCache implements TokenCache, DistributedLock {
  readonly #client: IoRedisLike | NodeRedisLike;
  readonly #node: boolean;
  readonly #prefix: string;
  readonly #timeout: number;
  readonly #fallback: MemoryCache | undefined;
  readonly #logger: Logger | undefined;
  #degraded = false;

  constructor(options: RedisCacheOptions) {
    this.#client = options.client;
    this.#node = 'isOpen' in options.client;
    this.#prefix = options.prefix ?? '';
    this.#timeout = options.commandTimeoutMs ?? 2000;
    this.#fallback = options.onFailure === 'memory' ? new MemoryCache() : undefined;
    this.#logger = options.logger;
  }

  /** true while Redis is failing and the in-process fallback is in use */
  get degraded(): boolean {
    return this.#degraded;
  }

  /** Why no command can be sent now (the connection is not ready), or undefined. */
  #notReady(): string | undefined {
    if (this.#node) {
      const ready = (this.#client as NodeRedisLike).isReady;
      return ready === false ? 'not connected' : undefined;
    }
    const status = (this.#client as IoRedisLike).status;
    // 'wait': lazyConnect before the first command, which connects it
    return status === undefined || status === 'ready' || status === 'wait' ? undefined : `not connected (${status})`;
  }

  /** Send `op` once the connection is ready (polled within the command timeout), never before. */
  async #whenReady<T>(op: () => Promise<T>, deadline: number): Promise<T> {
    for (;;) {
      const notReady = this.#notReady();
      if (notReady === undefined) return op();
      if (Date.now() >= deadline) throw new Error(notReady);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async #run<T>(what: string, op: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const pending = this.#whenReady(op, Date.now() + this.#timeout);
    pending.catch(() => {}); // a late failure after the timeout must not become an unhandled rejection
    try {
      const result = await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeout} ms`)), this.#timeout);
          timer.unref?.();
        }),
      ]);
      if (this.#degraded) {
        this.#degraded = false;
        this.#logger?.warn({ cache: 'redis' }, 'wechat-tools: Redis answers again; leaving the in-process fallback');
      }
      return result;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (!this.#fallback) throw new WechatTokenError(`Redis cache: ${what} failed: ${reason}`, { cause: err });
      if (!this.#degraded) {
        this.#degraded = true;
        const msg = `wechat-tools: Redis ${what} failed (${reason}); using the in-process cache until it answers`;
        if (this.#logger) this.#logger.warn({ cache: 'redis', error: reason }, msg);
        else process.emitWarning(msg, 'WechatToolsWarning');
      }
      return fallback();
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async get(key: string): Promise<unknown> {
    const raw = await this.#run('GET', () => this.#client.get(this.#prefix + key), () => {
      const v = this.#fallback?.get(key);
      return v === undefined ? null : JSON.stringify(v);
    });
    if (raw === null || raw === undefined) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const json = JSON.stringify(value);
    const px = ttlMs === undefined ? undefined : Math.max(1, Math.ceil(ttlMs));
    await this.#run(
      'SET',
      () =>
        this.#node
          ? (this.#client as NodeRedisLike).set(this.#prefix + key, json, px === undefined ? undefined : { PX: px })
          : px === undefined
            ? (this.#client as IoRedisLike).set(this.#prefix + key, json)
            : (this.#client as IoRedisLike).set(this.#prefix + key, json, 'PX', px),
      () => this.#fallback?.set(key, value, ttlMs),
    );
    this.#fallback?.set(key, value, ttlMs);
  }

  async delete(key: string): Promise<void> {
    this.#fallback?.delete(key);
    await this.#run('DEL', () => (this.#node ? (this.#client as NodeRedisLike).del(this.#prefix + key) : (this.#client as IoRedisLike).del(this.#prefix + key)), () => 0);
  }

  /** SET key value PX ttl NX: true when this caller stored it (atomic across processes). */
  async add(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    const json = JSON.stringify(value);
    const px = Math.max(1, Math.ceil(ttlMs));
    const ok = await this.#run(
      'SET NX',
      () => (this.#node ? (this.#client as NodeRedisLike).set(this.#prefix + key, json, { PX: px, NX: true }) : (this.#client as IoRedisLike).set(this.#prefix + key, json, 'PX', px, 'NX')),
      () => (this.#fallback?.add(key, value, ttlMs) ? 'OK' : null),
    );
    return ok === 'OK';
  }

  async deleteIfEquals(key: string, expected: unknown): Promise<boolean> {
    const json = JSON.stringify(expected);
    const fb = this.#fallback;
    const fallbackResult = fb ? fb.deleteIfEquals(key, expected) : false;
    const n = await this.#run(
      'EVAL (delete if equals)',
      () => (this.#node ? (this.#client as NodeRedisLike).eval(DELETE_IF_EQUALS, { keys: [this.#prefix + key], arguments: [json] }) : (this.#client as IoRedisLike).eval(DELETE_IF_EQUALS, 1, this.#prefix + key, json)),
      () => (fallbackResult ? 1 : 0),
    );
    return Number(n) === 1;
  }

  async acquireLock(key: string, ttlMs: number): Promise<string | undefined> {
    const token = randomBytes(16).toString('hex');
    const px = Math.max(1, Math.ceil(ttlMs));
    const ok = await this.#run(
      'SET NX (lock)',
      () =>
        this.#node
          ? (this.#client as NodeRedisLike).set(this.#prefix + key, token, { PX: px, NX: true })
          : (this.#client as IoRedisLike).set(this.#prefix + key, token, 'PX', px, 'NX'),
      () => 'OK', // degraded: no cross-process lock, the in-process single-flight still holds
    );
    return ok === 'OK' ? token : undefined;
  }

  async releaseLock(key: string, token: string): Promise<void> {
    await this.#run(
      'EVAL (unlock)',
      () => (this.#node ? (this.#client as NodeRedisLike).eval(DELETE_IF_EQUALS, { keys: [this.#prefix + key], arguments: [token] }) : (this.#client as IoRedisLike).eval(DELETE_IF_EQUALS, 1, this.#prefix + key, token)),
      () => 0,
    );
  }
}

export function hasLock(cache: unknown): cache is DistributedLock {
  return typeof (cache as DistributedLock | undefined)?.acquireLock === 'function' && typeof (cache as DistributedLock | undefined)?.releaseLock === 'function';
}
