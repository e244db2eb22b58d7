// Per-call options, the last argument of every endpoint method.
export interface CallOptions {
  /** Abort the call (and any retry) */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call */
  timeoutMs?: number;
  /** Overrides the client's throwOnError for this call */
  throwOnError?: boolean;
  /** Use this access_token for the call instead of the managed one (no refresh on token errors) */
  accessToken?: string;
  /** Extra request headers */
  headers?: Record<string, string>;
}
