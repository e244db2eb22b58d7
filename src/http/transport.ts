// The HTTP layer. On Node with no `fetch` option, a request goes straight to keep-alive node:http
// (src/http/node-request.ts): the path and query string built here, the body serialized once, one
// timer for the timeout; no WHATWG Request or Response is made. With a `fetch` option, off Node, or for
// a multipart body, it goes through openapi-fetch and that fetch (resolved at call time, so msw, or a
// fetch given later, is always honoured), with `redirect: 'manual'` and an AbortSignal for the timeout.
// Either way: the timeout covers the whole exchange, the reply is read only up to maxBytes, a redirect
// is refused, and the bytes come back as read (never re-serialized); src/http/reply.ts decides what they are.
import type { OutgoingHttpHeaders } from 'node:http';
import type { BufferedResponse } from './buffered-response.js';
import { TransportTimeoutError } from './limits.js';
import { nodeRequest, type Origin } from './node-request.js';
import { encodeQuery } from './query.js';
import { readReply } from './read-reply.js';

export { TransportRedirectError, TransportTimeoutError, TransportTooLargeError } from './limits.js';

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

export type FetchLike = (input: Request) => Promise<Response>;

type LooseClient = {
  request(method: string, path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: unknown }>;
};

const onNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** A multipart body, told by its tag: reading the global FormData on Node loads undici (about 15 ms on the first call). */
const isFormData = (body: unknown) => typeof body === 'object' && body !== null && (body as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'FormData';

/** Where a base URL points, with the paths sent there, encoded (kept for the few hosts and paths a client uses). */
type Base = Origin & { paths: Map<string, string> };
const bases = new Map<string, Base>();
const remember = <V>(map: Map<string, V>, key: string, value: V): V => {
  if (map.size >= 1000) map.clear();
  map.set(key, value);
  return value;
};

function parseBase(baseUrl: string): Base {
  const known = bases.get(baseUrl);
  if (known) return known;
  const u = new URL(baseUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`unsupported protocol ${u.protocol}`);
  return remember(bases, baseUrl, { secure: u.protocol === 'https:', hostname: u.hostname, port: u.port, prefix: u.pathname.replace(/\/+$/, ''), origin: u.origin, paths: new Map() });
}

/** The path (and any query it carries) as a WHATWG URL would send it: percent-encoded, dot segments resolved. */
function encodedPath(base: Base, path: string): string {
  const known = base.paths.get(path);
  if (known !== undefined) return known;
  const u = new URL(base.prefix + path, base.origin);
  return remember(base.paths, path, u.pathname + u.search);
}

/** The request's headers for node:http: lower-case names, the caller's over ours, the body's length last. */
function headersFor(req: HttpRequest, payload: string | Uint8Array | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = payload === undefined ? {} : { 'content-type': 'application/json' };
  const extra = req.headers;
  if (extra) for (const k of Object.keys(extra)) out[k.toLowerCase()] = extra[k];
  if (payload !== undefined) out['content-length'] = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  return out;
}

function viaNode(req: HttpRequest): Promise<HttpReply> {
  const origin = parseBase(req.baseUrl);
  const query = encodeQuery(req.query);
  const path = encodedPath(origin, req.path);
  const body = req.body;
  const payload = body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  return nodeRequest({
    origin,
    method: req.method,
    path: query === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${query}`,
    headers: headersFor(req, payload),
    payload,
    timeoutMs: req.timeoutMs,
    maxBytes: req.maxBytes,
    signal: req.signal,
  });
}

/** `getFetch()` returns the caller's fetch, or undefined for the default (node:http on Node, else globalThis.fetch). */
export function createTransport(getFetch: () => FetchLike | undefined): (req: HttpRequest) => Promise<HttpReply> {
  let client: Promise<LooseClient> | undefined;
  // openapi-fetch is loaded on the first request that goes through a fetch
  const fetchClient = () =>
    (client ??= import('openapi-fetch').then(
      ({ default: createClient }) =>
        createClient({
          fetch: async (r: Request) => {
            const response = await (getFetch() ?? globalThis.fetch)(r);
            const maxBytes = (r as Request & { maxBytes?: number }).maxBytes ?? Number.POSITIVE_INFINITY;
            return readReply(response, r.url, maxBytes, r.signal) as unknown as Response;
          },
        }) as unknown as LooseClient,
    ));
  const viaFetch = async (req: HttpRequest): Promise<HttpReply> => {
    const c = await fetchClient();
    // a fetch times out through an AbortSignal
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
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
        signal,
      });
    } catch (err) {
      if (timeout.aborted && !req.signal?.aborted) throw new TransportTimeoutError(req.timeoutMs, err);
      throw err;
    }
    // readReply resolves to a BufferedResponse: its bytes are the body as read, whatever openapi-fetch made of them.
    const response = result.response as BufferedResponse;
    return { response, bytes: response.bytes };
  };
  return (req) => {
    if (!onNode || getFetch() || isFormData(req.body)) return viaFetch(req);
    try {
      return viaNode(req);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}
