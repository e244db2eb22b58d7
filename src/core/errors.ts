// Typed errors. Messages name the operation (and the field, for validation) and never carry a
// secret: every message passes through redactText.
import { errcodeInfo } from './errcodes.js';
import { redactText } from './redact.js';

export class WechatToolsError extends Error {
  /** The operation being called, when there is one */
  readonly operation: string | undefined;
  constructor(message: string, options: { operation?: string | undefined; cause?: unknown } = {}) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: sanitizeCause(options.cause) });
    this.name = new.target.name;
    this.operation = options.operation;
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, operation: this.operation, ...(this.cause instanceof Error ? { cause: { name: this.cause.name, message: this.cause.message } } : {}) };
  }
}

/** Keep the cause's type and code, but with a redacted message (a fetch error may quote the URL). */
function sanitizeCause(cause: unknown): unknown {
  if (!(cause instanceof Error)) return cause;
  const msg = redactText(cause.message);
  if (msg !== cause.message) {
    try {
      cause.message = msg;
    } catch {
      /* read-only message: leave it */
    }
  }
  return cause;
}

/** WeChat answered errcode ≠ 0 (thrown with throwOnError, or by helpers that need a success). */
export class WechatError extends WechatToolsError {
  readonly errcode: number;
  readonly errmsg: string;
  /** WeChat's request id from the errmsg suffix " rid: …" */
  readonly rid: string | undefined;
  /** What to do about it, from the errcode catalogue */
  readonly hint: string | undefined;
  constructor(init: { operation: string; errcode: number; errmsg: string }) {
    const info = errcodeInfo(init.errcode);
    const hint = info?.hint;
    super(`${init.operation}: WeChat errcode ${init.errcode}: ${init.errmsg}${info ? ` (${info.zh})` : ''}${hint ? `. ${hint}` : ''}`, { operation: init.operation });
    this.errcode = init.errcode;
    this.errmsg = redactText(init.errmsg);
    this.rid = /rid:\s*([0-9a-f-]+)/i.exec(init.errmsg)?.[1];
    this.hint = hint;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), errcode: this.errcode, errmsg: this.errmsg, rid: this.rid };
  }
}

/** A quota is used up (45009 daily, 45011 per minute): wait, or clear it with clearQuota; never retried blindly. */
export class WechatQuotaError extends WechatError {}
/** The account lacks this API (48001) or the user did not authorize it (50001). */
export class WechatPermissionError extends WechatError {}
/** The calling IP is not allowed: not in the whitelist (40164) or waiting for / refused by the admin (89501, 89503, 89506, 89507). */
export class WechatIpError extends WechatError {}

/** The WechatError subclass for an errcode (quota, permission, IP), or WechatError. */
export function wechatErrorFor(init: { operation: string; errcode: number; errmsg: string }): WechatError {
  if (init.errcode === 45009 || init.errcode === 45011) return new WechatQuotaError(init);
  if (init.errcode === 48001 || init.errcode === 50001) return new WechatPermissionError(init);
  if (init.errcode === 40164 || (init.errcode >= 89501 && init.errcode <= 89507)) return new WechatIpError(init);
  return new WechatError(init);
}

/** Params that WeChat would reject, caught before any request. */
export class WechatValidationError extends WechatToolsError {
  /** JSON pointer of the offending field in the params ('/scene', '/line_color/r') */
  readonly field: string;
  constructor(operation: string, field: string, problem: string) {
    super(`${operation}: invalid params: ${field || '(params)'} ${problem}`, { operation });
    this.field = field;
  }
}

/** The request did not complete: DNS, connection refused/reset, TLS. The cause is attached. */
export class WechatNetworkError extends WechatToolsError {
  /** true when the request may have reached WeChat (a send may have happened) */
  readonly mayHaveReachedServer: boolean;
  constructor(operation: string, cause: unknown, mayHaveReachedServer: boolean) {
    const detail = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : String(cause);
    super(`${operation}: network error: ${detail}`, { operation, cause });
    this.mayHaveReachedServer = mayHaveReachedServer;
  }
}

/** What bounded a timed-out call: one attempt's timeoutMs, or the call's total deadlineMs. */
export interface TimeoutInfo {
  /** attempts made, this one included */
  attempts?: number;
  /** set when the call's total deadline (deadlineMs) ran out, rather than one attempt's timeoutMs */
  deadlineMs?: number;
}

/**
 * No complete answer in time: within `timeoutMs` (per attempt) on the last attempt, or within the call's
 * total `deadlineMs` (every attempt and backoff pause included; then `deadlineMs` is set).
 */
export class WechatTimeoutError extends WechatToolsError {
  /** the per-attempt timeout */
  readonly timeoutMs: number;
  /** the call's total deadline, when that is what ran out */
  readonly deadlineMs: number | undefined;
  /** attempts made */
  readonly attempts: number | undefined;
  constructor(operation: string, timeoutMs: number, idempotent: boolean, cause?: unknown, info: TimeoutInfo = {}) {
    const n = info.attempts;
    const tries = n === undefined ? '' : `; ${n} attempt${n === 1 ? '' : 's'}`;
    const what =
      info.deadlineMs === undefined
        ? `no answer from WeChat within ${timeoutMs} ms (timeoutMs, per attempt${tries})`
        : `no complete answer within the call's deadline of ${info.deadlineMs} ms (deadlineMs, all attempts and backoff${tries})`;
    super(`${operation}: ${what}${idempotent ? '' : '; the request may have reached WeChat, so the send may have happened (not retried)'}`, { operation, cause });
    this.timeoutMs = timeoutMs;
    this.deadlineMs = info.deadlineMs;
    this.attempts = n;
  }
}

/** The caller's AbortSignal fired. */
export class WechatAbortError extends WechatToolsError {
  constructor(operation: string, cause?: unknown) {
    super(`${operation}: aborted by the caller`, { operation, cause });
  }
}

/** An answer that is not WeChat-shaped: non-2xx without errcode, unparseable JSON, empty body. */
export class WechatResponseError extends WechatToolsError {
  readonly status: number;
  readonly contentType: string;
  /** The first bytes of the body, redacted */
  readonly bodySnippet: string;
  /** `secrets`: exact values to remove from the body; the snippet is cut after redaction, so no secret is ever half-cut. */
  constructor(operation: string, status: number, contentType: string, body: string, problem: string, cause?: unknown, secrets: readonly string[] = []) {
    const snippet = redactText(body.slice(0, 4096), secrets).slice(0, 200);
    super(`${operation}: ${problem} (HTTP ${status}${contentType ? `, ${contentType}` : ''})${snippet ? `: ${JSON.stringify(snippet)}` : ''}`, { operation, cause });
    this.status = status;
    this.contentType = contentType;
    this.bodySnippet = snippet;
  }
}

/** No token can be had: passiveAccessToken is false and none was set, or the token source failed. */
export class WechatTokenError extends WechatToolsError {}
