// The push endpoint (服务器配置 URL): GET URL verification, POST in plaintext, compatible and safe mode,
// typed messages, dedupe of WeChat's retries, passive replies (encrypted in safe mode). One core,
// two adapters: Node `(req, res)` (Express/Koa/Fastify) and Web `(Request) => Response` (Next.js, Hono, edge).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { pushKinds, type PushMessage } from '../../generated/push.js';
import { safeLogger, type Logger } from '../core/logger.js';
import { MemoryCache, type TokenCache } from '../token/cache.js';
import { WechatCrypto, WechatPushError } from './crypto.js';
import { PushParseError, parseRawPush, toPushMessage } from './parse.js';
import { encryptedEnvelope, serializeReply, type PushReply } from './reply.js';

export interface PushHandlerOptions {
  /** the Token of the server configuration */
  token: string;
  /** the EncodingAESKey (needed for compatible and safe modes) */
  encodingAESKey?: string;
  appid: string;
  /** 'xml' (Official Accounts, default) or 'json' (Mini Programs configured for JSON) */
  format?: 'xml' | 'json';
  /** larger bodies get 413 (default 1 MiB) */
  maxBodyBytes?: number;
  /** drop WeChat's retries of a message already handled (default: in memory, 60 s); false to turn off */
  dedupe?: { cache?: TokenCache; ttlSeconds?: number } | false;
  /** reject timestamps further than this from now (seconds); default: no check */
  maxSkewSeconds?: number;
  logger?: Logger;
}

/** What onMessage returns: a reply (reply.text(…) etc.), a string (a text reply), or nothing ("success"). */
export type PushResult = PushReply | string | void | undefined;
export type OnPushMessage = (message: PushMessage) => PushResult | Promise<PushResult>;

export interface PushRequest {
  method: string;
  query: URLSearchParams;
  body: string;
}

export interface PushResponse {
  status: number;
  body: string;
  contentType: string;
}

export interface PushHandler {
  /** The framework-free core. */
  handle(req: PushRequest): Promise<PushResponse>;
  /** Node `(req, res)`: node:http, Express, Koa (ctx.req/ctx.res), Fastify (request.raw/reply.raw). */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Web `(Request) => Response`: Next.js route handlers, Hono, edge runtimes. */
  fetch(request: Request): Promise<Response>;
}

const text = (status: number, body: string): PushResponse => ({ status, body, contentType: 'text/plain; charset=utf-8' });

export function createPushHandler(options: PushHandlerOptions, onMessage: OnPushMessage): PushHandler {
  const format = options.format ?? 'xml';
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const crypto = new WechatCrypto({ token: options.token, appid: options.appid, ...(options.encodingAESKey ? { encodingAESKey: options.encodingAESKey } : {}), ...(options.maxSkewSeconds === undefined ? {} : { maxSkewSeconds: options.maxSkewSeconds }) });
  const dedupeCache = options.dedupe === false ? undefined : (options.dedupe?.cache ?? new MemoryCache());
  const dedupeTtlMs = (options.dedupe === false ? 60 : (options.dedupe?.ttlSeconds ?? 60)) * 1000;
  const logger = options.logger ? safeLogger(options.logger) : undefined;

  async function handle(req: PushRequest): Promise<PushResponse> {
    try {
      return await route(req);
    } catch (err) {
      if (err instanceof WechatPushError) return text(err.status, err.reason);
      if (err instanceof PushParseError) return text(400, 'bad_body');
      logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'wechat-tools push: onMessage failed');
      return text(500, 'error');
    }
  }

  async function route(req: PushRequest): Promise<PushResponse> {
    const q = req.query;
    const timestamp = q.get('timestamp') ?? '';
    const nonce = q.get('nonce') ?? '';
    if (req.method === 'GET') {
      const echostr = q.get('echostr');
      if (echostr === null || !timestamp || !nonce) return text(400, 'missing signature, timestamp, nonce or echostr');
      crypto.verifySignature(q.get('signature'), timestamp, nonce);
      return text(200, echostr);
    }
    if (req.method !== 'POST') return text(405, 'method not allowed');
    if (Buffer.byteLength(req.body) > maxBody) throw new WechatPushError('too_large', 'push: body too large');
    if (!timestamp || !nonce) return text(400, 'missing timestamp or nonce');
    const safe = q.get('encrypt_type') === 'aes';
    let inner: string;
    if (safe) {
      const envelope = parseRawPush(req.body, format);
      const encrypt = envelope['Encrypt'];
      if (typeof encrypt !== 'string') throw new WechatPushError('bad_body', 'push: no Encrypt in a safe-mode body');
      crypto.verifyMsgSignature(q.get('msg_signature'), timestamp, nonce, encrypt);
      inner = crypto.decrypt(encrypt);
    } else {
      crypto.verifySignature(q.get('signature'), timestamp, nonce);
      inner = req.body;
    }
    const message = toPushMessage(parseRawPush(inner, format), pushKinds) as PushMessage;
    if (typeof message.FromUserName !== 'string' || typeof message.MsgType !== 'string') throw new WechatPushError('bad_body', 'push: FromUserName or MsgType missing');

    const key = dedupeKey(message);
    if (dedupeCache) {
      if ((await dedupeCache.get(key)) !== undefined) return text(200, 'success');
      await dedupeCache.set(key, 1, dedupeTtlMs);
    }
    let result: PushResult;
    try {
      result = await onMessage(message);
    } catch (err) {
      // let WeChat's retry run it again
      if (dedupeCache?.delete) await dedupeCache.delete(key);
      throw err;
    }
    if (result === undefined || result === '' || result === 'success') return text(200, 'success');
    const r: PushReply = typeof result === 'string' ? { type: 'text', content: result } : result;
    const plain = serializeReply(r, { toUser: message.FromUserName, fromUser: message.ToUserName }, format);
    const contentType = format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8';
    if (!safe) return { status: 200, body: plain, contentType };
    const ts = Math.floor(Date.now() / 1000);
    const replyNonce = String(randomBytes(4).readUInt32BE(0));
    const encrypted = crypto.encrypt(plain);
    return { status: 200, body: encryptedEnvelope(encrypted, crypto.msgSignature(ts, replyNonce, encrypted), ts, replyNonce, format), contentType };
  }

  function dedupeKey(m: PushMessage): string {
    const raw = m as unknown as Record<string, unknown>;
    const id = raw['MsgId'] ?? raw['MsgID'] ?? raw['msg_id'];
    const tail = id !== undefined && m.MsgType !== 'event' ? `msg:${String(id)}` : `evt:${m.FromUserName}:${m.CreateTime}:${m.Event ?? ''}`;
    return `wechat-tools:push:${options.appid}:${tail}`;
  }

  async function node(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let out: PushResponse;
    try {
      const body = req.method === 'POST' ? await readLimited(req, maxBody) : '';
      const url = new URL(req.url ?? '/', 'http://localhost');
      out = await handle({ method: req.method ?? 'GET', query: url.searchParams, body });
    } catch (err) {
      out = err instanceof WechatPushError ? text(err.status, err.reason) : text(400, 'bad request');
    }
    if (res.headersSent) return;
    res.writeHead(out.status, { 'content-type': out.contentType, 'content-length': Buffer.byteLength(out.body) });
    res.end(out.body);
  }

  async function fetchHandler(request: Request): Promise<Response> {
    let out: PushResponse;
    try {
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > maxBody) throw new WechatPushError('too_large', 'push: body too large');
      const body = request.method === 'POST' ? await readWebLimited(request, maxBody) : '';
      out = await handle({ method: request.method, query: new URL(request.url).searchParams, body });
    } catch (err) {
      out = err instanceof WechatPushError ? text(err.status, err.reason) : text(400, 'bad request');
    }
    return new Response(out.body, { status: out.status, headers: { 'content-type': out.contentType } });
  }

  return { handle, node, fetch: fetchHandler };
}

function readLimited(req: IncomingMessage, max: number): Promise<string> {
  // Frameworks with a body parser may have read it already.
  const pre = (req as IncomingMessage & { body?: unknown }).body;
  if (typeof pre === 'string') return Promise.resolve(pre);
  if (Buffer.isBuffer(pre)) return Promise.resolve(pre.toString('utf8'));
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max) {
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

async function readWebLimited(request: Request, max: number): Promise<string> {
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
