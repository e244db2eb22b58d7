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
  /** exact values to scrub from any error */
  secrets: readonly string[];
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
  try {
    return await send(transport, row, ctx, limits);
  } catch (err) {
    scrubError(err, limits.secrets);
    throw err;
  }
}

async function send(transport: (req: HttpRequest) => Promise<HttpReply>, row: EndpointRow, ctx: RequestContext, limits: AttemptLimits): Promise<HttpReply> {
  const { signal } = limits;
  if (signal?.aborted) throw new WechatAbortError(row.op, signal.reason);
  const started = performance.now();
  try {
    // files given as paths are read within the attempt's timeout too
    const body = ctx.rawBody !== undefined ? ctx.rawBody : ctx.body === undefined ? undefined : row.multipart ? await readFiles(row, ctx.body, bounded(limits.timeoutMs, signal)) : ctx.body;
    return await transport({
      method: ctx.method,
      baseUrl: ctx.baseUrl,
      path: ctx.path,
      query: ctx.query,
      body,
      headers: limits.headers ? { ...ctx.headers, ...limits.headers } : ctx.headers,
      timeoutMs: Math.max(1, Math.round(limits.timeoutMs - (performance.now() - started))),
      maxBytes: limits.maxBytes,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw new WechatAbortError(row.op, err);
    if (err instanceof TransportTimeoutError || (err instanceof DOMException && err.name === 'TimeoutError')) {
      const info = { attempts: ctx.attempt + 1, ...(limits.deadlineMs === undefined ? {} : { deadlineMs: limits.deadlineMs }) };
      throw new WechatTimeoutError(row.op, limits.timeoutMs, row.idempotent, err, info);
    }
    if (err instanceof TransportRedirectError) {
      throw new WechatResponseError(row.op, err.status, '', '', `redirect${err.target ? ` to ${err.target}` : ''} refused (never followed: it would re-send credentials)`);
    }
    if (err instanceof TransportTooLargeError) {
      throw new WechatResponseError(row.op, err.status, err.contentType, '', `reply over the ${err.maxBytes}-byte limit (maxResponseBytes): reading stopped`);
    }
    if (err instanceof WechatToolsError) throw err;
    const code = (err as { cause?: { code?: unknown } })?.cause?.code;
    const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    throw new WechatNetworkError(row.op, err, !notSent);
  }
}
