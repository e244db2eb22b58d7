// The access_token manager: cache → fetch, single-flight, compare-and-invalidate.
//
// - get(): the cached token while it is valid; otherwise one fetch, shared by every concurrent caller.
// - invalidate(token): drop the cached token only if it is still the one that failed, so a token
//   another caller (or process) just refreshed is never thrown away.
import { isCachedToken, type CachedToken } from './cache.js';

export interface TokenStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
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

export interface TokenManagerOptions {
  key: string;
  store: TokenStore;
  fetch: (force: boolean) => Promise<FetchedToken>;
  /** seconds to stop using a token before WeChat's expiry (default 300, at most half its life) */
  marginSeconds?: number;
  /** distributed lock: how long a holder may take (default 10 s; a holder that dies releases by expiry) */
  lockTtlMs?: number;
  /** distributed lock: how long the others wait for the holder's token before fetching themselves (default 5 s) */
  lockWaitMs?: number;
  /** distributed lock: how often the others look for the new token (default 25 ms) */
  pollMs?: number;
  now?: () => number;
}

export class TokenManager {
  readonly key: string;
  #inflight: Promise<string> | undefined;
  readonly #opts: TokenManagerOptions;

  constructor(opts: TokenManagerOptions) {
    this.#opts = opts;
    this.key = opts.key;
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  /** The cached token, if one is there and still valid. */
  async peek(): Promise<string | undefined> {
    const cached = await this.#opts.store.get(this.key);
    if (isCachedToken(cached) && cached.expiresAt > this.#now() && cached.value) return cached.value;
    return undefined;
  }

  /** The cached entry (value and expiry), valid or not. */
  async entry(): Promise<CachedToken | undefined> {
    const cached = await this.#opts.store.get(this.key);
    return isCachedToken(cached) ? cached : undefined;
  }

  async get(): Promise<string> {
    if (this.#inflight) return this.#inflight;
    const cached = await this.peek();
    if (cached !== undefined) return cached;
    return this.refresh(false);
  }

  /** Fetch a new token (single-flight: concurrent callers share one fetch) and cache it. */
  refresh(force: boolean): Promise<string> {
    if (this.#inflight && !force) return this.#inflight;
    const run: Promise<string> = this.#fetchAndStore(force).finally(() => {
      if (this.#inflight === run) this.#inflight = undefined;
    });
    this.#inflight = run;
    return run;
  }

  async #fetchAndStore(force: boolean): Promise<string> {
    const lock = this.#opts.store.lock;
    if (!lock) return this.#fetchNow(force);
    const lockKey = `${this.key}:refresh-lock`;
    const deadline = this.#now() + (this.#opts.lockWaitMs ?? 5000);
    for (;;) {
      const held = await lock.acquire(lockKey, this.#opts.lockTtlMs ?? 10_000);
      if (held !== undefined) {
        try {
          // Another process may have refreshed between our miss and our lock.
          const current = force ? undefined : await this.#fresh();
          return current ?? (await this.#fetchNow(force));
        } finally {
          await lock.release(lockKey, held);
        }
      }
      // Someone else is refreshing: wait for their token (or for the lock to free up).
      await new Promise((r) => setTimeout(r, this.#opts.pollMs ?? 25));
      const current = await this.#fresh();
      if (current !== undefined) return current;
      if (this.#now() >= deadline) return this.#fetchNow(force); // rather than hang
    }
  }

  /** A valid cached token that is not the one last reported as failing. */
  async #fresh(): Promise<string | undefined> {
    const t = await this.peek();
    return t !== undefined && t !== this.#failed ? t : undefined;
  }

  async #fetchNow(force: boolean): Promise<string> {
    const fetched = await this.#opts.fetch(force);
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

  /** Drop the cached token if it is still `failed`. Returns true when it was dropped. */
  #failed: string | undefined;

  async invalidate(failed: string): Promise<boolean> {
    this.#failed = failed;
    const cached = await this.#opts.store.get(this.key);
    if (isCachedToken(cached) && cached.value === failed) {
      await this.#opts.store.delete(this.key);
      return true;
    }
    return false;
  }
}
