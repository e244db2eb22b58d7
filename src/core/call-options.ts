// Per-call options, the last argument of every endpoint method.
import type { RetryOptions } from '../retry/policy.js';

export interface CallOptions {
  /** Transient-failure retries for this call (false: none). Sends are never repeated once they may have reached WeChat. */
  retry?: RetryOptions | false;
  /** Abort the call (and any retry) */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs (per attempt) for this call */
  timeoutMs?: number;
  /** Overrides the client's deadlineMs (the whole call: every attempt and backoff pause) for this call */
  deadlineMs?: number;
  /** Overrides the client's throwOnError for this call */
  throwOnError?: boolean;
  /** Use this access_token for the call instead of the managed one (no refresh on token errors) */
  accessToken?: string;
  /** Extra request headers */
  headers?: Record<string, string>;
}
