// The seam between a client and wherever its access_token comes from. The client's own provider
// (cache → WeChat or a central token service, single-flight) implements it; so can a third-party
// platform's authorizer tokens or anything a user writes. With options.accessTokenProvider the
// client never fetches a token itself (no secret needed).

export interface AccessTokenProvider {
  /** the current token for this app: cache → refresh (single-flight) */
  get(signal?: AbortSignal): Promise<string>;
  /** WeChat rejected `failed` (40001/40014/42001): drop it only if it is still the current one; the next get() refreshes */
  invalidate(failed: string): Promise<void>;
}
