// The access_token manager: cache → fetch, single-flight, compare-and-invalidate.
//
// - get(): the cached token while it is valid; otherwise one fetch, shared by every concurrent caller
//   in the process that uses the same cache and key (the flight registry below), whatever the number
//   of client objects; across processes, the store's lock (Redis) lets one refresh while the others
//   wait for its token.
// - invalidate(token): drop the cached token only if it is still the one that failed (atomically when
//   the store can compare-and-delete), so a token another caller or process just stored is kept. The
//   next refresh is told which token failed (a central token service uses it to refresh too).
import { WechatAbortError, WechatTokenError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { isThenable } from '../core/thenable.js';
import { isCachedToken, type CachedToken } from './cache.js';

export interface TokenStore {
  get(key: string): Promise<unknown>;
  /** The value as the cache answers it: itself when the cache answers at once (a MemoryCache), else a promise. */
  getNow?(key: string): unknown;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Delete `key` only if it still holds `expected` (atomic on Redis); true when deleted. */
  deleteIfEquals?(key: string, expected: unknown): Promise<boolean>;
  /** A cross-process lock (Redis): when present, only one process refreshes; the others wait for its token. */
  lock?: {
    acquire(key: string, ttlMs: number): Promise<string | undefined>;
    release(key: string, token: string): Promise<void>;
  };
}

export interface FetchedToken {
  value: string;
  /** seconds, as WeChat's expires_in */
  expiresIn: number;
}

export interface FetchRequest {
  /** stable mode: force_refresh */
  force: boolean;
  /** the token WeChat last rejected, when this refresh follows that rejection */
  failed?: string;
}

export interface TokenManagerOptions {
  key: string;
  store: TokenStore;
  fetch: (req: FetchRequest) => Promise<FetchedToken>;
  /** The object that owns the shared flights (the cache): one refresh per (scope, key) in the process. Default: this manager. */
  scope?: () => object;
  /** seconds to stop using a token before WeChat's expiry (default 300, at most half its life) */
  marginSeconds?: number;
  /** distributed lock: how long a holder may take; must cover the fetch's own bound (default 40 s) */
  lockTtlMs?: number;
  /** distributed lock: how long the others wait for the holder's token, at least lockTtlMs (default lockTtlMs + 2 s) */
  lockWaitMs?: number;
  /** distributed lock: how often the others look for the new token (default 25 ms) */
  pollMs?: number;
  logger?: Logger;
  now?: () => number;
}

/** What the process shares per (scope, key): the refresh in flight and the token last reported as failing. */
interface Slot {
  inflight?: Promise<string>;
  failed?: string;
}

const slots = new WeakMap<object, Map<string, Slot>>();

function slotOf(scope: object, key: string): Slot {
  let byKey = slots.get(scope);
  if (!byKey) {
    byKey = new Map();
    slots.set(scope, byKey);
  }
  let slot = byKey.get(key);
  if (!slot) {
    slot = {};
    byKey.set(key, slot);
  }
  return slot;
}

export const DEFAULT_LOCK_TTL_MS = 40_000;

export class TokenManager {
  readonly key: string;
  readonly #opts: TokenManagerOptions;

  constructor(opts: TokenManagerOptions) {
    this.#opts = opts;
    this.key = opts.key;
  }

  get #slot(): Slot {
    return slotOf(this.#opts.scope?.() ?? this, this.key);
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  /** The cached token, if one is there and still valid. */
  async peek(): Promise<string | undefined> {
    return this.#validValue(await this.#opts.store.get(this.key));
  }

  /** The cached entry (value and expiry), valid or not. */
  async entry(): Promise<CachedToken | undefined> {
    const cached = await this.#opts.store.get(this.key);
    return isCachedToken(cached) ? cached : undefined;
  }

  async get(signal?: AbortSignal): Promise<string> {
    return this.getNow(signal);
  }

  /**
   * What get() resolves to, without a promise when it can be had at once: a valid token in a cache that
   * answers synchronously (the default MemoryCache) and no refresh running. The per-call fast path.
   */
  getNow(signal?: AbortSignal): string | Promise<string> {
    const inflight = this.#slot.inflight;
    if (inflight) return abortable(inflight, signal);
    const store = this.#opts.store;
    const cached = store.getNow ? store.getNow(this.key) : store.get(this.key);
    if (isThenable(cached)) return Promise.resolve(cached).then((c) => this.#validValue(c) ?? abortable(this.refresh(false), signal));
    return this.#validValue(cached) ?? abortable(this.refresh(false), signal);
  }

  #validValue(cached: unknown): string | undefined {
    return isCachedToken(cached) && cached.expiresAt > this.#now() && cached.value ? cached.value : undefined;
  }

  /** Fetch a new token (single-flight: concurrent callers share one fetch) and cache it. */
  refresh(force: boolean): Promise<string> {
    const slot = this.#slot;
    if (slot.inflight && !force) return slot.inflight;
    const failed = slot.failed;
    const run: Promise<string> = this.#fetchAndStore({ force, ...(failed === undefined ? {} : { failed }) }).finally(() => {
      if (slot.inflight === run) slot.inflight = undefined;
      // the report was used by this refresh: a later one must not ignore (or re-report) that token
      if (slot.failed === failed) slot.failed = undefined;
    });
    slot.inflight = run;
    return run;
  }

  async #fetchAndStore(req: FetchRequest): Promise<string> {
    const lock = this.#opts.store.lock;
    if (!lock) return this.#fetchNow(req);
    const lockKey = `${this.key}:refresh-lock`;
    const ttlMs = this.#opts.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
    const waitMs = Math.max(this.#opts.lockWaitMs ?? ttlMs + 2000, ttlMs);
    const deadline = this.#now() + waitMs;
    for (;;) {
      const held = await lock.acquire(lockKey, ttlMs);
      if (held !== undefined) {
        try {
          // Another process may have refreshed between our miss and our lock.
          const current = req.force ? undefined : await this.#fresh(req.failed);
          return current ?? (await this.#fetchNow(req));
        } finally {
          await lock.release(lockKey, held).catch((err: unknown) => {
            // The token is stored; the lock expires by its TTL. Not a reason to fail the call.
            const reason = err instanceof Error ? err.message : String(err);
            const msg = `wechat-tools: releasing the token refresh lock failed (${reason}); it expires within ${ttlMs} ms`;
            if (this.#opts.logger) this.#opts.logger.warn({ key: lockKey, error: reason }, msg);
            else process.emitWarning(msg, 'WechatToolsWarning');
          });
        }
      }
      // Someone else is refreshing: wait for their token (or for the lock to free up).
      await new Promise((r) => setTimeout(r, this.#opts.pollMs ?? 25));
      const current = await this.#fresh(req.failed);
      if (current !== undefined) return current;
      if (this.#now() >= deadline) {
        throw new WechatTokenError(`no access_token after waiting ${waitMs} ms for another process's refresh (lock ${lockKey} still held)`);
      }
    }
  }

  /** A valid cached token that is not the one this refresh was asked to replace. */
  async #fresh(failed: string | undefined): Promise<string | undefined> {
    const t = await this.peek();
    return t !== undefined && t !== failed ? t : undefined;
  }

  async #fetchNow(req: FetchRequest): Promise<string> {
    const fetched = await this.#opts.fetch(req);
    await this.set(fetched.value, fetched.expiresIn);
    return fetched.value;
  }

  /** Cache a token for expiresIn seconds (less the safety margin). */
  async set(value: string, expiresIn: number): Promise<void> {
    const lifeMs = Math.max(1, expiresIn) * 1000;
    const marginMs = Math.min((this.#opts.marginSeconds ?? 300) * 1000, lifeMs / 2);
    const ttlMs = Math.max(1, Math.floor(lifeMs - marginMs));
    await this.#opts.store.set(this.key, { value, expiresAt: this.#now() + ttlMs }, ttlMs);
  }

  /** Drop the cached token if it is still `failed` (compare-and-delete). Returns true when it was dropped. */
  async invalidate(failed: string): Promise<boolean> {
    this.#slot.failed = failed;
    const store = this.#opts.store;
    // The entry can be rewritten with the same token (a new expiry): compare again, a few times.
    for (let i = 0; i < 3; i++) {
      const cached = await store.get(this.key);
      if (!isCachedToken(cached) || cached.value !== failed) {
        // a different token is there already: nothing to report with the next refresh
        if (isCachedToken(cached) && this.#slot.failed === failed) this.#slot.failed = undefined;
        return false;
      }
      if (!store.deleteIfEquals) {
        await store.delete(this.key);
        return true;
      }
      if (await store.deleteIfEquals(this.key, cached)) return true;
    }
    return false;
  }
}

/** Wait for `p`, or stop waiting (not the shared work) when the caller's signal aborts. */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  return new WechatAbortError('getAccessToken', signal.reason);
}
