// The cache contract for tokens and tickets: { get, set, delete?, deleteIfEquals? }, sync or async.
// A Keyv or cache-manager instance fits unchanged (both take ttl in milliseconds), and so does a
// Map-like object; Redis stores implement the same methods, deleteIfEquals atomically.

export interface TokenCache {
  get(key: string): unknown;
  set(key: string, value: unknown, ttlMs?: number): unknown;
  delete?(key: string): unknown;
  /** Optional atomic set-if-absent (Redis SET NX PX): true when this caller stored the value. Push dedupe uses it. */
  add?(key: string, value: unknown, ttlMs: number): Promise<boolean> | boolean;
  /**
   * Delete `key` only if it still holds `expected` (compared as JSON), in one step; resolves to true
   * when it deleted. Optional: without it, the token manager reads, compares and deletes, which can
   * drop a token another process stored in between.
   */
  deleteIfEquals?(key: string, expected: unknown): boolean | Promise<boolean>;
}

/** What the token manager stores under a key. */
export interface CachedToken {
  /** the access_token (or ticket) */
  value: string;
  /** epoch milliseconds after which it must not be used */
  expiresAt: number;
}

export function isCachedToken(v: unknown): v is CachedToken {
  return typeof v === 'object' && v !== null && typeof (v as CachedToken).value === 'string' && typeof (v as CachedToken).expiresAt === 'number';
}

/** The default cache: in process memory, entries expire by TTL. */
export class MemoryCache implements TokenCache {
  readonly #entries = new Map<string, { value: unknown; until: number }>();

  get(key: string): unknown {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.until <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: unknown, ttlMs?: number): void {
    this.#entries.set(key, { value, until: ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlMs });
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  add(key: string, value: unknown, ttlMs: number): boolean {
    if (this.get(key) !== undefined) return false;
    this.set(key, value, ttlMs);
    return true;
  }

  deleteIfEquals(key: string, expected: unknown): boolean {
    const current = this.get(key);
    if (current === undefined || JSON.stringify(current) !== JSON.stringify(expected)) return false;
    return this.#entries.delete(key);
  }
}
