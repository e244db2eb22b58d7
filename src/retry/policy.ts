// The retry policy: one pure, ordered function (stripe-node's _shouldRetry model). Given what
// happened on an attempt, it says whether to try again, after how long, and whether to refresh the
// token first. A send (idempotent: false) is never repeated once the request may have reached WeChat.
import { TOKEN_ERRCODES } from '../core/errcodes.js';

export interface RetryOptions {
  /** retries of transient failures (default 2; 0 turns them off) */
  retries?: number;
  /** first backoff delay (default 300 ms), doubled per retry, with jitter */
  minDelayMs?: number;
  /** backoff cap (default 3000 ms) */
  maxDelayMs?: number;
}

export type AttemptOutcome =
  | { kind: 'errcode'; errcode: number }
  | { kind: 'http'; status: number }
  | { kind: 'network'; mayHaveReachedServer: boolean }
  | { kind: 'timeout' }
  | { kind: 'abort' }
  | { kind: 'invalid-reply' };

export interface RetryState {
  /** attempts made so far, including this one (1 after the first) */
  attempts: number;
  /** transient retries already made */
  transientRetries: number;
  tokenRefreshed: boolean;
  /** the client manages the token (it can refresh it) */
  managedToken: boolean;
  idempotent: boolean;
  options: Required<RetryOptions>;
  random?: () => number;
}

export type RetryDecision = { retry: false; why: string } | { retry: true; why: string; delayMs: number; refreshToken: boolean };

/** Errcodes never retried blindly: quota, permission and IP-whitelist problems need a person. */
export const NEVER_RETRY: ReadonlySet<number> = new Set([45009, 45011, 48001, 50001, 40164, 89501, 89503, 89506, 89507]);

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 2, minDelayMs: 300, maxDelayMs: 3000 };

export function backoff(retry: number, opts: Required<RetryOptions>, random: () => number = Math.random): number {
  const base = Math.min(opts.maxDelayMs, opts.minDelayMs * 2 ** retry);
  return Math.round(base * (0.5 + random() / 2));
}

export function shouldRetry(outcome: AttemptOutcome, state: RetryState): RetryDecision {
  // 1. The caller gave up.
  if (outcome.kind === 'abort') return { retry: false, why: 'aborted' };
  // 2. A token WeChat rejected: refresh once (only when the client manages the token).
  if (outcome.kind === 'errcode' && TOKEN_ERRCODES.has(outcome.errcode)) {
    if (state.managedToken && !state.tokenRefreshed) return { retry: true, why: `token errcode ${outcome.errcode}`, delayMs: 0, refreshToken: true };
    return { retry: false, why: 'token error after a refresh (or an unmanaged token)' };
  }
  // 3. Never blindly: quotas, permissions, IP whitelist.
  if (outcome.kind === 'errcode' && NEVER_RETRY.has(outcome.errcode)) return { retry: false, why: `errcode ${outcome.errcode} needs action, not a retry` };
  // 4. Transient failures.
  const transient =
    (outcome.kind === 'errcode' && outcome.errcode === -1) ||
    (outcome.kind === 'http' && outcome.status >= 500) ||
    outcome.kind === 'network' ||
    outcome.kind === 'timeout';
  if (!transient) return { retry: false, why: 'not transient' };
  const reached = outcome.kind !== 'network' || outcome.mayHaveReachedServer;
  if (reached && !state.idempotent) return { retry: false, why: 'a send that may have reached WeChat is never repeated' };
  if (state.transientRetries >= state.options.retries) return { retry: false, why: `gave up after ${state.transientRetries} retries` };
  return { retry: true, why: `transient (${outcome.kind})`, delayMs: backoff(state.transientRetries, state.options, state.random), refreshToken: false };
}

/** Sleep that an AbortSignal cuts short (aborting cancels retries). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
