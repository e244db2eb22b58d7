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
  const body = ctx.body === undefined ? undefined : row.multipart ? await buildFormData(row.op, ctx.body, row.files ?? []) : ctx.body;
  try {
    return await transport({
      method: ctx.method,
      baseUrl: ctx.baseUrl,
      path: ctx.path,
      query: ctx.query,
      body,
      headers: limits.headers ? { ...ctx.headers, ...limits.headers } : ctx.headers,
      timeoutMs: limits.timeoutMs,
      maxBytes: limits.maxBytes,
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw new WechatAbortError(row.op, err);
    if (err instanceof TransportTimeoutError) {
      const info = { attempts: ctx.attempt + 1, ...(limits.deadlineMs === undefined ? {} : { deadlineMs: limits.deadlineMs }) };
      throw new WechatTimeoutError(row.op, limits.timeoutMs, row.idempotent, err, info);
    }
    if (err instanceof TransportRedirectError) {
      throw new WechatResponseError(row.op, err.status, '', '', `the server answered a redirect${err.target ? ` to ${err.target}` : ''}, which is never followed (it would re-send the request and its credentials)`);
    }
    if (err instanceof TransportTooLargeError) {
      throw new WechatResponseError(row.op, err.status, err.contentType, '', `reply larger than the ${err.maxBytes}-byte limit (maxResponseBytes); reading stopped there`);
    }
    if (err instanceof WechatToolsError) throw err;
    const code = (err as { cause?: { code?: unknown } })?.cause?.code;
    const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    throw new WechatNetworkError(row.op, err, !notSent);
  }
}
