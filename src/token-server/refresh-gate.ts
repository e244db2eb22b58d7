// Compare-and-refresh for the token server: when a client reports that WeChat rejected the token it
// was given, refresh only if that token is still the one served (single-flight per appid, so N
// instances reporting the same dead token cause one refresh), and never more often than the rate
// limit allows (a leaked key must not burn the app's daily quota).

export interface RefreshLimit {
  /** the shortest time between two refreshes of one app (default 30 s) */
  minIntervalSeconds?: number;
  /** at most this many refreshes of one app per hour (default 10) */
  maxPerHour?: number;
}

/** What the gate needs of a client: the token served and compare-and-invalidate. */
export interface RefreshableTokens {
  getAccessTokenWithExpiry(): Promise<{ value: string; expiresIn: number }>;
  invalidateAccessToken(failed: string): Promise<boolean>;
}

export type ReportOutcome = 'stale' | 'refreshed' | 'rate_limited';

export class RefreshGate {
  readonly #inflight = new Map<string, Promise<ReportOutcome>>();
  readonly #history = new Map<string, number[]>();
  readonly #minIntervalMs: number;
  readonly #maxPerHour: number;
  readonly #now: () => number;

  constructor(limit: RefreshLimit = {}, now: () => number = Date.now) {
    this.#minIntervalMs = (limit.minIntervalSeconds ?? 30) * 1000;
    this.#maxPerHour = limit.maxPerHour ?? 10;
    this.#now = now;
  }

  /** `failed` was rejected by WeChat: refresh `appid`'s token if it is still `failed`. */
  report(appid: string, tokens: RefreshableTokens, failed: string): Promise<ReportOutcome> {
    const running = this.#inflight.get(appid);
    if (running) return running.then((o) => (o === 'rate_limited' ? o : 'stale'));
    const run = this.#refresh(appid, tokens, failed).finally(() => this.#inflight.delete(appid));
    this.#inflight.set(appid, run);
    return run;
  }

  async #refresh(appid: string, tokens: RefreshableTokens, failed: string): Promise<ReportOutcome> {
    const current = await tokens.getAccessTokenWithExpiry();
    if (current.value !== failed) return 'stale'; // already replaced: serve the new one
    if (!this.#take(appid)) return 'rate_limited';
    // Never a forced refresh: in stable mode WeChat hands back the same token while it is valid, so a
    // false report (or a leaked key) costs one free stable_token call, not the 20-a-day force quota.
    await tokens.invalidateAccessToken(failed);
    await tokens.getAccessTokenWithExpiry();
    return 'refreshed';
  }

  /** Record a refresh of appid now, if the limits allow one. */
  #take(appid: string): boolean {
    const now = this.#now();
    const recent = (this.#history.get(appid) ?? []).filter((t) => now - t < 3_600_000);
    const last = recent[recent.length - 1];
    if ((last !== undefined && now - last < this.#minIntervalMs) || recent.length >= this.#maxPerHour) {
      this.#history.set(appid, recent);
      return false;
    }
    recent.push(now);
    this.#history.set(appid, recent);
    return true;
  }
}
