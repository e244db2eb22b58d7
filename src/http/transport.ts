// The HTTP layer: openapi-fetch. On Node the bytes go through a keep-alive node:http transport
// (src/http/node-fetch.ts) with a light Request; with a `fetch` option (or off Node) through that
// fetch, resolved at call time (so msw, or a fetch given later, is always honoured). Replies are read
// as bytes; src/http/reply.ts decides what they are.
import createClient from 'openapi-fetch';
import { BufferedResponse, LightRequest, nodeFetch, TransportTimeoutError } from './node-fetch.js';

export { TransportTimeoutError };

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
  /** the caller's signal */
  signal?: AbortSignal;
}

/** A Response, or the transport's BufferedResponse (which makes the Response on demand). */
export type ReplyResponse = Response | BufferedResponse;

export interface HttpReply {
  response: ReplyResponse;
  bytes: Uint8Array;
}

/** The WHATWG Response behind a reply. */
export function asResponse(r: ReplyResponse): Response {
  return r instanceof BufferedResponse ? r.toResponse() : r;
}

export type FetchLike = (input: Request) => Promise<Response>;

type LooseClient = {
  request(method: string, path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: ReplyResponse }>;
};

const onNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** `getFetch()` returns the caller's fetch, or undefined for the default (node:http on Node, else globalThis.fetch). */
export function createTransport(getFetch: () => FetchLike | undefined): (req: HttpRequest) => Promise<HttpReply> {
  let viaFetch: LooseClient | undefined;
  let viaNode: LooseClient | undefined;
  const client = (): LooseClient => {
    const custom = getFetch();
    if (custom || !onNode) {
      viaFetch ??= createClient({ fetch: (r: Request) => (getFetch() ?? globalThis.fetch)(r) }) as unknown as LooseClient;
      return viaFetch;
    }
    viaNode ??= createClient({ fetch: nodeFetch as unknown as typeof fetch, Request: LightRequest as unknown as typeof Request }) as unknown as LooseClient;
    return viaNode;
  };
  return async (req) => {
    const c = client();
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
        ...(signal ? { signal } : {}),
        ...(viaNodeTransport ? { timeoutMs: req.timeoutMs } : {}),
      });
    } catch (err) {
      if (timeout?.aborted && !req.signal?.aborted) throw new TransportTimeoutError(req.timeoutMs, err);
      throw err;
    }
    const { data, error, response } = result;
    if (response.ok) return { response, bytes: data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(0) };
    // openapi-fetch reads a non-2xx body as text (parsed as JSON when it can be): hand back the text.
    const text = error === undefined ? '' : typeof error === 'string' ? error : JSON.stringify(error);
    return { response, bytes: new TextEncoder().encode(text) };
  };
}
