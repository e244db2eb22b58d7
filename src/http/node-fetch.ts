// A fetch for Node over node:http / node:https with keep-alive agents: on Node 20 it costs about
// half of undici's fetch per call. openapi-fetch stays the HTTP layer; with `LightRequest` it skips
// building a full WHATWG Request. It carries string and byte bodies only (the transport sends
// multipart through a fetch, with the same deadline). It never follows a redirect, and stops reading
// a reply at maxBytes.
// Default imports: http.request is looked up at call time, so interceptors (msw) that patch it apply.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { redactText } from '../core/redact.js';
import { isRedirect, originOf, TransportRedirectError, TransportTooLargeError } from './limits.js';

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 }),
};

/** No complete answer within the request's timeoutMs. */
export class TransportTimeoutError extends Error {
  constructor(readonly timeoutMs: number, cause?: unknown) {
    super(`no answer within ${timeoutMs} ms`, cause === undefined ? undefined : { cause });
    this.name = 'TransportTimeoutError';
  }
}

/** The parts of a Request that openapi-fetch sets and this fetch reads (plus timeoutMs and maxBytes, copied from the init). */
export class LightRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
  declare timeoutMs?: number;
  declare maxBytes?: number;
  constructor(url: string, init: { method?: string; headers?: Headers | Record<string, string>; body?: unknown; signal?: AbortSignal | null }) {
    this.url = url;
    this.method = init.method ?? 'GET';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers ?? {});
    this.body = init.body;
    this.signal = init.signal ?? undefined;
  }
}

/**
 * A fully read reply, cheap to make: what openapi-fetch and the client read (ok, status, headers.get,
 * arrayBuffer/text/json, bytes). The WHATWG Response it stands for is built only when asked for
 * (`toResponse()`, used by WechatData.requestResult). Its URL is redacted (no secret=, js_code=, access_token=).
 */
export class BufferedResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly #url: string;
  readonly headers: { get(name: string): string | null };
  readonly #raw: IncomingHttpHeaders;
  readonly #body: Buffer;
  #response: Response | undefined;
  constructor(url: string, status: number, statusText: string, raw: IncomingHttpHeaders, body: Buffer) {
    this.#url = url;
    this.status = status;
    this.statusText = statusText;
    this.ok = status >= 200 && status < 300;
    this.#raw = raw;
    this.#body = body;
    this.headers = {
      get: (name: string) => {
        const v = raw[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    };
  }
  /** The URL, redacted (made on access: most replies are never asked). */
  get url(): string {
    return redactText(this.#url);
  }
  /** The body as read. */
  get bytes(): Uint8Array {
    return this.#body;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#body;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return this.#body.toString('utf8');
  }
  /** The WHATWG Response (built once, on demand), with the redacted URL. */
  toResponse(): Response {
    if (!this.#response) {
      const nullBody = this.status === 204 || this.status === 304 || this.status < 200;
      const r = new Response(nullBody ? null : this.#body, { status: this.status < 200 ? 502 : this.status, statusText: this.statusText, headers: toHeaders(this.#raw) });
      Object.defineProperty(r, 'url', { value: this.url });
      this.#response = r;
    }
    return this.#response;
  }
}

function toHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.append(k, x);
    else out.set(k, v);
  }
  return out;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** fetch(LightRequest) over node:http(s) with keep-alive; resolves to a BufferedResponse (a Response on demand). */
export async function nodeFetch(input: LightRequest): Promise<BufferedResponse> {
  const body = input.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) throw new TypeError('nodeFetch carries string and byte bodies only');
  const url = new URL(input.url);
  const secure = url.protocol === 'https:';
  const signal = input.signal;
  if (signal?.aborted) throw abortError(signal);
  const headers: Record<string, string> = {};
  input.headers.forEach((v, k) => (headers[k] = v));
  let payload: Buffer | undefined;
  if (typeof body === 'string') payload = Buffer.from(body, 'utf8');
  else if (body instanceof Uint8Array) payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (payload) headers['content-length'] = String(payload.byteLength);
  const maxBytes = input.maxBytes ?? Number.POSITIVE_INFINITY;
  return new Promise<BufferedResponse>((resolve, reject) => {
    const req = (secure ? https.request : http.request)(
      { protocol: url.protocol, hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: input.method, headers, agent: secure ? agents.https : agents.http },
      (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '');
        if (isRedirect(status)) return stop(new TransportRedirectError(status, originOf(res.headers.location, input.url)));
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) return stop(new TransportTooLargeError(maxBytes, status, contentType));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.byteLength;
          if (size > maxBytes) stop(new TransportTooLargeError(maxBytes, status, contentType));
          else chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          cleanup();
          const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          resolve(new BufferedResponse(input.url, status, res.statusMessage ?? '', res.headers, buf));
        });
        res.on('error', fail);
        res.on('aborted', () => fail(new Error('the server closed the response early')));
      },
    );
    let settled = false;
    /** Give up on the exchange: no more bytes are read. */
    function stop(err: unknown): void {
      if (settled) return;
      cleanup();
      req.destroy();
      reject(err);
    }
    const onAbort = () => stop(abortError(signal as AbortSignal));
    const ms = input.timeoutMs;
    const timer = ms === undefined ? undefined : setTimeout(() => stop(new TransportTimeoutError(ms)), ms);
    function cleanup(): void {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    function fail(err: unknown): void {
      if (settled) return;
      cleanup();
      // the shape undici uses: TypeError('fetch failed') with the system error as the cause
      reject(Object.assign(new TypeError('fetch failed'), { cause: err }));
    }
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(payload);
  });
}
