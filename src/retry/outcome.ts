// What an attempt's thrown error means to the retry policy, and the effective retry options.
import { WechatAbortError, WechatNetworkError, WechatResponseError, WechatTimeoutError } from '../core/errors.js';
import { DEFAULT_RETRY, type AttemptOutcome, type RetryOptions } from './policy.js';

export function outcomeOf(err: unknown): AttemptOutcome {
  if (err instanceof WechatAbortError) return { kind: 'abort' };
  if (err instanceof WechatTimeoutError) return { kind: 'timeout' };
  if (err instanceof WechatNetworkError) return { kind: 'network', mayHaveReachedServer: err.mayHaveReachedServer };
  if (err instanceof WechatResponseError && err.status >= 500) return { kind: 'http', status: err.status };
  return { kind: 'invalid-reply' };
}

/** Client options merged with the call's; `false` turns transient retries off. */
export function retryOptions(client: RetryOptions | false | undefined, call: RetryOptions | false | undefined): Required<RetryOptions> {
  if (call === false || (call === undefined && client === false)) return { ...DEFAULT_RETRY, retries: 0 };
  return { ...DEFAULT_RETRY, ...(client || {}), ...(call || {}) };
}
