// A fetch for Node over node:http / node:https with keep-alive agents: on Node 20 it costs about
// half of undici's fetch per call. openapi-fetch stays the HTTP layer; with `LightRequest` it skips
// building a full WHATWG Request. Multipart bodies (FormData) go through the global fetch.
// Default imports: http.request is looked up at call time, so interceptors (msw) that patch it apply.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 }),
};

/** The parts of a Request that openapi-fetch sets and this fetch reads. */
export class LightRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
  constructor(url: string, init: { method?: string; headers?: Headers | Record<string, string>; body?: unknown; signal?: AbortSignal | null }) {
    this.url = url;
    this.method = init.method ?? 'GET';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers ?? {});
    this.body = init.body;
    this.signal = init.signal ?? undefined;
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

/** fetch(LightRequest | Request) over node:http(s) with keep-alive; resolves to a real Response. */
export async function nodeFetch(input: LightRequest | Request): Promise<Response> {
  const body = input.body;
  if (body instanceof FormData || (typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && typeof body !== 'string')) {
    // multipart or a stream: let the platform's fetch encode it
    return globalThis.fetch(input instanceof Request ? input : new Request(input.url, { method: input.method, headers: input.headers, body: body as ConstructorParameters<typeof Request>[1] extends infer I ? (I extends { body?: infer B } ? B : never) : never, ...(input.signal ? { signal: input.signal } : {}) }));
  }
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
  return new Promise<Response>((resolve, reject) => {
    const req = (secure ? https.request : http.request)(
      { protocol: url.protocol, hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: input.method, headers, agent: secure ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          cleanup();
          const status = res.statusCode ?? 0;
          const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          const nullBody = status === 204 || status === 304 || input.method === 'HEAD';
          resolve(new Response(nullBody ? null : buf, { status, statusText: res.statusMessage ?? '', headers: toHeaders(res.headers) }));
        });
        res.on('error', fail);
        res.on('aborted', () => fail(new Error('the server closed the response early')));
      },
    );
    const onAbort = () => {
      req.destroy();
      reject(abortError(signal as AbortSignal));
    };
    function cleanup(): void {
      signal?.removeEventListener('abort', onAbort);
    }
    function fail(err: unknown): void {
      cleanup();
      // the shape undici uses: TypeError('fetch failed') with the system error as the cause
      reject(Object.assign(new TypeError('fetch failed'), { cause: err }));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(payload);
  });
}
