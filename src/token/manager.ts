// The access_token manager: cache → fetch, single-flight, compare-and-invalidate.
//
// - get(): the cached token while it is valid; otherwise one fetch, shared by every concurrent caller.
// - invalidate(token): drop the cached token only if it is still the one that failed, so a token
//   another caller (or process) just refreshed is never thrown away.
import type { CachedToken } from './cache.js';
import { isCachedToken } from './cache.js';

export interface TokenStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
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
  async invalidate(failed: string): Promise<boolean> {
    const cached = await this.#opts.store.get(this.key);
    if (isCachedToken(cached) && cached.value === failed) {
      await this.#opts.store.delete(this.key);
      return true;
    }
    return false;
  }
}
