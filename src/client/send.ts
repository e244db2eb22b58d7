// One attempt on the wire: the built request through the transport, within its timeout, and every
// failure mapped to a typed error (abort, timeout, redirect, oversized reply, network). Errors leave
// here scrubbed of the exact secret values the client knows.
import type { EndpointRow } from '../core/endpoint.js';
import { WechatAbortError, WechatNetworkError, WechatResponseError, WechatTimeoutError, WechatToolsError } from '../core/errors.js';
import { scrubError } from '../core/redact.js';
import { buildFormData } from '../http/multipart.js';
import { TransportRedirectError, TransportTimeoutError, TransportTooLargeError, type HttpReply, type HttpRequest } from '../http/transport.js';
import type { RequestContext } from './middleware.js';

export interface AttemptLimits {
  /** this attempt's timeout: timeoutMs, or what is left of the deadline when that is shorter */
  timeoutMs: number;
  /** the call's deadline when it (not timeoutMs) bounds this attempt */
  deadlineMs?: number | undefined;
  maxBytes: number;
  signal?: AbortSignal | undefined;
  /** extra headers of the call */
  headers?: Record<string, string> | undefined;
  /** exact values to scrub from any error (a function: worked out only when there is one) */
  secrets: readonly string[] | (() => readonly string[]);
}

/** The caller's signal and the attempt's timeout, as one signal. */
const bounded = (timeoutMs: number, signal: AbortSignal | undefined) => (signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs));

/** The multipart body, its files read before the signal fires (a stuck read, a FIFO, is left behind). */
function readFiles(row: EndpointRow, fields: Record<string, unknown>, signal: AbortSignal): Promise<FormData> {
  return new Promise<FormData>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    buildFormData(row.op, fields, row.files ?? [], signal)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function sendAttempt(transport: (req: HttpRequest) => Promise<HttpReply>, row: EndpointRow, ctx: RequestContext, limits: AttemptLimits): Promise<HttpReply> {
  const { signal } = limits;
  let failure: unknown;
  if (signal?.aborted) failure = new WechatAbortError(row.op, signal.reason);
  else {
    try {
      const multipart = ctx.rawBody === undefined && ctx.body !== undefined && row.multipart;
      return await transport(multipart ? await requestOf(row, ctx, limits) : requestWith(ctx, limits, ctx.rawBody !== undefined ? ctx.rawBody : ctx.body, limits.timeoutMs));
    } catch (err) {
      failure = typedError(err, row, ctx, limits);
    }
  }
  scrubError(failure, typeof limits.secrets === 'function' ? limits.secrets() : limits.secrets);
  throw failure;
}

/** The request of the attempt (a multipart body's files read first, within the attempt's timeout). */
async function requestOf(row: EndpointRow, ctx: RequestContext, limits: AttemptLimits): Promise<HttpRequest> {
  const started = performance.now();
  const body = await readFiles(row, ctx.body as Record<string, unknown>, bounded(limits.timeoutMs, limits.signal));
  return requestWith(ctx, limits, body, Math.max(1, Math.round(limits.timeoutMs - (performance.now() - started))));
}

function requestWith(ctx: RequestContext, limits: AttemptLimits, body: unknown, timeoutMs: number): HttpRequest {
  const req: HttpRequest = { method: ctx.method, baseUrl: ctx.baseUrl, path: ctx.path, query: ctx.query, body, headers: limits.headers ? { ...ctx.headers, ...limits.headers } : ctx.headers, timeoutMs, maxBytes: limits.maxBytes };
  if (limits.signal) req.signal = limits.signal;
  return req;
}

/** A transport failure as the typed error a caller sees. */
function typedError(err: unknown, row: EndpointRow, ctx: RequestContext, limits: AttemptLimits): unknown {
  if (limits.signal?.aborted) return new WechatAbortError(row.op, err);
  if (err instanceof TransportTimeoutError || (err instanceof DOMException && err.name === 'TimeoutError')) {
    const info = { attempts: ctx.attempt + 1, ...(limits.deadlineMs === undefined ? {} : { deadlineMs: limits.deadlineMs }) };
    return new WechatTimeoutError(row.op, limits.timeoutMs, row.idempotent, err, info);
  }
  if (err instanceof TransportRedirectError) {
    return new WechatResponseError(row.op, err.status, '', '', `redirect${err.target ? ` to ${err.target}` : ''} refused (never followed: it would re-send credentials)`);
  }
  if (err instanceof TransportTooLargeError) {
    return new WechatResponseError(row.op, err.status, err.contentType, '', `reply over the ${err.maxBytes}-byte limit (maxResponseBytes): reading stopped`);
  }
  if (err instanceof WechatToolsError) return err;
  const code = (err as { cause?: { code?: unknown } })?.cause?.code;
  const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return new WechatNetworkError(row.op, err, !notSent);
}
