// A reply fully read, cheap to make: what the client reads of it (ok, status, headers.get, the bytes).
// The WHATWG Response it stands for is built only when asked for (`toResponse()`, for
// WechatData.requestResult), and its URL is redacted (no secret=, js_code=, access_token=).
import type { IncomingHttpHeaders } from 'node:http';
import { redactText } from '../core/redact.js';

/** `headers.get(name)` over node's raw header record (names are lower-case there). */
class RawHeaders {
  constructor(readonly raw: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
}

export class BufferedResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: RawHeaders;
  readonly #url: string;
  readonly #body: Buffer;
  #response: Response | undefined;
  constructor(url: string, status: number, statusText: string, raw: IncomingHttpHeaders, body: Buffer) {
    this.#url = url;
    this.status = status;
    this.statusText = statusText;
    this.ok = status >= 200 && status < 300;
    this.headers = new RawHeaders(raw);
    this.#body = body;
  }
  /** The URL, redacted (made on access: most replies are never asked). */
  get url(): string {
    return redactText(this.#url);
  }
  /** The body as read. */
  get bytes(): Buffer {
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
      const r = new Response(nullBody ? null : this.#body, { status: this.status < 200 ? 502 : this.status, statusText: this.statusText, headers: toHeaders(this.headers.raw) });
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
