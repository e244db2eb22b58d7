// A fetch's Response read into a BufferedResponse: refused when it is a redirect, and read only up
// to maxBytes (the stream is cancelled there), under the request's signal (timeout or the caller's).
import type { IncomingHttpHeaders } from 'node:http';
import { isRedirect, originOf, TransportRedirectError, TransportTooLargeError } from './limits.js';
import { BufferedResponse } from './node-fetch.js';

function rawHeaders(h: Headers): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  h.forEach((v, k) => (out[k] = v));
  return out;
}

export async function readReply(response: Response, url: string, maxBytes: number, signal: AbortSignal | undefined): Promise<BufferedResponse> {
  const contentType = response.headers.get('content-type') ?? '';
  const cancel = () => void response.body?.cancel().catch(() => {});
  // Response.error(): what a fetch means by a failed request (a mock or a wrapper may resolve to it)
  if (response.type === 'error') throw Object.assign(new TypeError('fetch failed'), { cause: new Error('network error (Response.error())') });
  if (response.type === 'opaqueredirect' || isRedirect(response.status)) {
    cancel();
    throw new TransportRedirectError(response.status, originOf(response.headers.get('location'), url));
  }
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    cancel();
    throw new TransportTooLargeError(maxBytes, response.status, contentType);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      if (!signal) return;
      onAbort = () => {
        void reader.cancel().catch(() => {});
        reject(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), aborted]);
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          void reader.cancel().catch(() => {});
          throw new TransportTooLargeError(maxBytes, response.status, contentType);
        }
        chunks.push(value);
      }
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
  const body = Buffer.concat(chunks, size);
  return new BufferedResponse(url, response.status, response.statusText, rawHeaders(response.headers), body);
}
