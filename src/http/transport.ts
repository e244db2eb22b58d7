// The HTTP layer: openapi-fetch. On Node the bytes go through a keep-alive node:http transport
// (src/http/node-fetch.ts) with a light Request; with a `fetch` option, off Node, or for a multipart
// body, through that fetch (resolved at call time, so msw, or a fetch given later, is always honoured),
// with `redirect: 'manual'` and an AbortSignal for the timeout. Either way: the timeout covers the
// whole exchange, the reply is read only up to maxBytes, a redirect is refused, and the bytes come
// back as read (never re-serialized); src/http/reply.ts decides what they are.
import createClient from 'openapi-fetch';
import { BufferedResponse, LightRequest, nodeFetch, TransportTimeoutError } from './node-fetch.js';
import { readReply } from './read-reply.js';

export { TransportTimeoutError };
export { TransportRedirectError, TransportTooLargeError } from './limits.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  baseUrl: string;
  path: string;
  query: Record<string, unknown>;
  /** a JSON value, FormData for multipart, or a string: JSON text sent byte for byte (a signed body) */
  body?: unknown;
  headers?: Record<string, string>;
  /** the whole exchange must finish within this (TransportTimeoutError otherwise) */
  timeoutMs: number;
  /** the largest reply read (TransportTooLargeError past it; the rest is never read) */
  maxBytes: number;
  /** the caller's signal */
  signal?: AbortSignal;
}

/** A reply, fully read (the WHATWG Response is made on demand). */
export type ReplyResponse = BufferedResponse;

export interface HttpReply {
  response: ReplyResponse;
  bytes: Uint8Array;
}

/** The WHATWG Response behind a reply (its URL redacted). */
export function asResponse(r: ReplyResponse): Response {
  return r.toResponse();
}

export type FetchLike = (input: Request) => Promise<Response>;

type LooseClient = {
  request(method: string, path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: unknown }>;
};

const onNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** `getFetch()` returns the caller's fetch, or undefined for the default (node:http on Node, else globalThis.fetch). */
export function createTransport(getFetch: () => FetchLike | undefined): (req: HttpRequest) => Promise<HttpReply> {
  let viaFetch: LooseClient | undefined;
  let viaNode: LooseClient | undefined;
  const client = (req: HttpRequest): LooseClient => {
    if (getFetch() || !onNode || req.body instanceof FormData) {
      viaFetch ??= createClient({
        fetch: async (r: Request) => {
          const response = await (getFetch() ?? globalThis.fetch)(r);
          const maxBytes = (r as Request & { maxBytes?: number }).maxBytes ?? Number.POSITIVE_INFINITY;
          return readReply(response, r.url, maxBytes, r.signal) as unknown as Response;
        },
      }) as unknown as LooseClient;
      return viaFetch;
    }
    viaNode ??= createClient({ fetch: nodeFetch as unknown as typeof fetch, Request: LightRequest as unknown as typeof Request }) as unknown as LooseClient;
    return viaNode;
  };
  return async (req) => {
    const c = client(req);
    // The Node transport times out by itself (one timer); a fetch needs an AbortSignal.
    const viaNodeTransport = c === viaNode;
    const timeout = viaNodeTransport ? undefined : AbortSignal.timeout(req.timeoutMs);
    const signal = timeout ? (req.signal ? AbortSignal.any([req.signal, timeout]) : timeout) : req.signal;
    let result;
    try {
      result = await c.request(req.method.toLowerCase(), req.path, {
        baseUrl: req.baseUrl,
        params: { query: req.query },
        ...(req.body === undefined ? {} : { body: req.body }),
        ...(typeof req.body === 'string' ? { bodySerializer: (b: unknown) => b } : {}),
        ...(req.headers ? { headers: req.headers } : {}),
        parseAs: 'arrayBuffer',
        redirect: 'manual',
        maxBytes: req.maxBytes,
        ...(signal ? { signal } : {}),
        ...(viaNodeTransport ? { timeoutMs: req.timeoutMs } : {}),
      });
    } catch (err) {
      if (timeout?.aborted && !req.signal?.aborted) throw new TransportTimeoutError(req.timeoutMs, err);
      throw err;
    }
    // Both fetches resolve to a BufferedResponse: its bytes are the body as read, whatever openapi-fetch made of them.
    const response = result.response as BufferedResponse;
    return { response, bytes: response.bytes };
  };
}
