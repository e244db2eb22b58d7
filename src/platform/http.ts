// Node and Web adapters around a framework-free push core: read the body (bounded), answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WechatPushError } from '../push/crypto.js';

/** A push request as the platform handlers see it: the raw body text. */
export interface PlatformPushRequest {
  method: string;
  query: URLSearchParams;
  body: string;
}

export interface PlatformPushResponse {
  status: number;
  body: string;
  contentType: string;
}

type PushRequest = PlatformPushRequest;
type PushResponse = PlatformPushResponse;

export const text = (status: number, body: string): PushResponse => ({ status, body, contentType: 'text/plain; charset=utf-8' });

export function readNodeBody(req: IncomingMessage, max: number): Promise<string> {
  const pre = (req as IncomingMessage & { body?: unknown }).body; // a framework's body parser got there first
  if (typeof pre === 'string') return Promise.resolve(pre);
  if (Buffer.isBuffer(pre)) return Promise.resolve(pre.toString('utf8'));
  if (Number(req.headers['content-length'] ?? '0') > max) {
    req.resume();
    return Promise.reject(new WechatPushError('too_large', 'push: body too large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new WechatPushError('too_large', 'push: body too large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function readWebBody(request: Request, max: number): Promise<string> {
  if (Number(request.headers.get('content-length') ?? '0') > max) throw new WechatPushError('too_large', 'push: body too large');
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new WechatPushError('too_large', 'push: body too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Node `(req, res)` and Web `(Request) => Response` around `handle`, which gets the request URL too. */
export function adapters(handle: (req: PushRequest, url: URL) => Promise<PushResponse>, maxBody: number) {
  async function node(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let out: PushResponse;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = req.method === 'POST' ? await readNodeBody(req, maxBody) : '';
      out = await handle({ method: req.method ?? 'GET', query: url.searchParams, body }, url);
    } catch (err) {
      out = err instanceof WechatPushError ? text(err.status, err.reason) : text(400, 'bad request');
    }
    if (res.headersSent) return;
    res.writeHead(out.status, { 'content-type': out.contentType, 'content-length': Buffer.byteLength(out.body) });
    res.end(out.body);
  }
  async function fetch(request: Request): Promise<Response> {
    let out: PushResponse;
    try {
      const url = new URL(request.url);
      const body = request.method === 'POST' ? await readWebBody(request, maxBody) : '';
      out = await handle({ method: request.method, query: url.searchParams, body }, url);
    } catch (err) {
      out = err instanceof WechatPushError ? text(err.status, err.reason) : text(400, 'bad request');
    }
    return new Response(out.body, { status: out.status, headers: { 'content-type': out.contentType } });
  }
  return { node, fetch };
}
