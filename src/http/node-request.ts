// One exchange over node:http / node:https with keep-alive agents, no WHATWG Request or Response on
// the way (on Node 20 undici's fetch costs about twice as much per call). It sends a prebuilt path and
// query string and a string or byte body, times the whole exchange out with one timer, never follows a
// redirect, and stops reading a reply at maxBytes.
// Default imports: http.request is looked up at call time, so interceptors (msw) that patch it apply.
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { BufferedResponse } from './buffered-response.js';
import { isRedirect, originOf, TransportRedirectError, TransportTimeoutError, TransportTooLargeError } from './limits.js';

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 }),
};

/** Where a base URL points (parsed once per base URL). */
export interface Origin {
  secure: boolean;
  hostname: string;
  port: string;
  /** the base URL's own path, without a trailing slash ('' for an origin) */
  prefix: string;
  /** scheme://host[:port], for the URL a reply records */
  origin: string;
}

export interface NodeRequest {
  origin: Origin;
  method: string;
  /** path and query, encoded */
  path: string;
  headers: OutgoingHttpHeaders;
  /** a string is sent as UTF-8 */
  payload: string | Uint8Array | undefined;
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal | undefined;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The exchange, read into a BufferedResponse (and its bytes). Failures: TransportTimeoutError, TransportRedirectError,
 * TransportTooLargeError, the signal's reason, or TypeError('fetch failed') with the system error as cause. */
export function nodeRequest(r: NodeRequest): Promise<{ response: BufferedResponse; bytes: Buffer }> {
  const { signal, maxBytes } = r;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const url = r.origin.origin + r.path;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => stop(abortError(signal as AbortSignal));
    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    /** Give up on the exchange: no more bytes are read. */
    const stop = (err: unknown) => {
      if (settled) return;
      cleanup();
      req.destroy();
      reject(err);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      cleanup();
      // the shape undici uses: TypeError('fetch failed') with the system error as the cause
      reject(Object.assign(new TypeError('fetch failed'), { cause: err }));
    };
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const h = res.headers;
      if (isRedirect(status)) return stop(new TransportRedirectError(status, originOf(h.location, url)));
      const declared = h['content-length'];
      if (declared !== undefined && Number(declared) > maxBytes) return stop(new TransportTooLargeError(maxBytes, status, String(h['content-type'] ?? '')));
      let first: Buffer | undefined;
      let chunks: Buffer[] | undefined;
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.byteLength;
        if (size > maxBytes) stop(new TransportTooLargeError(maxBytes, status, String(h['content-type'] ?? '')));
        else if (first === undefined) first = c;
        else (chunks ??= [first]).push(c);
      });
      res.on('end', () => {
        if (settled) return;
        cleanup();
        const body = chunks ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0));
        resolve({ response: new BufferedResponse(url, status, res.statusMessage ?? '', h, body), bytes: body });
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('the server closed the response early')));
    };
    const o = r.origin;
    const req = (o.secure ? https.request : http.request)({ hostname: o.hostname, port: o.port, path: r.path, method: r.method, headers: r.headers, agent: o.secure ? agents.https : agents.http }, onResponse);
    timer = setTimeout(() => stop(new TransportTimeoutError(r.timeoutMs)), r.timeoutMs);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(r.payload);
  });
}
