// The push endpoint (服务器配置 URL): GET URL verification, POST in plaintext, compatible and safe mode,
// typed messages, dedupe of WeChat's retries, passive replies (encrypted in safe mode). One core,
// two adapters: Node `(req, res)` (Express/Koa/Fastify) and Web `(Request) => Response` (Next.js, Hono, edge).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { pushKinds, type PushMessage } from '../../generated/push.js';
import { safeLogger, type Logger } from '../core/logger.js';
import { MemoryCache, type TokenCache } from '../token/cache.js';
import { BODY_READ_TIMEOUT_MS, readNodeBody, readWebBody } from './body.js';
import { WechatCrypto, WechatPushError } from './crypto.js';
import { createDedupe, dedupeKey } from './dedupe.js';
import { PushParseError, toPushMessage } from './parse.js';
import { openPush, type PushBody } from './pipeline.js';
import { encryptedEnvelope, serializeReply, type PushReply } from './reply.js';

export interface PushHandlerOptions {
  /** the Token of the server configuration */
  token: string;
  /** the EncodingAESKey (compatible and safe modes); with it, plaintext pushes are refused unless `allowPlaintext` */
  encodingAESKey?: string;
  appid: string;
  /** 'xml' (Official Accounts, default) or 'json' (Mini Programs configured for JSON) */
  format?: 'xml' | 'json';
  /**
   * Accept plaintext pushes (no `encrypt_type=aes`) although `encodingAESKey` is set. Their signature
   * covers token, timestamp and nonce but not the body, so turn this on only while the server
   * configuration is still in plaintext mode. Default false.
   */
  allowPlaintext?: boolean;
  /** refuse requests whose `timestamp` is further than this from now, so a captured URL expires (default 300; false: no check) */
  maxSkewSeconds?: number | false;
  /** larger bodies get 413 (default 1 MiB) */
  maxBodyBytes?: number;
  /**
   * How long onMessage may run (default 4000 ms, under WeChat's 5 s). After it the request is answered
   * 503 `timeout`, the handler's `signal` aborts, and the dedupe key is released so WeChat's retry runs.
   */
  timeoutMs?: number;
  /**
   * Answer "success" at once and run onMessage afterwards (for long work; no passive reply possible:
   * reply through the customer-service API). Failures go to the logger.
   */
  acknowledgeFirst?: boolean;
  /** drop WeChat's retries of a message already handled (default: in memory, for maxSkewSeconds but at least 60 s); false to turn off */
  dedupe?: { cache?: TokenCache; ttlSeconds?: number } | false;
  /** refused pushes are logged at warn (redacted), onMessage failures at error */
  logger?: Logger;
}

/** What onMessage returns: a reply (reply.text(…) etc.), a string (a text reply), or nothing ("success"). */
export type PushResult = PushReply | string | void | undefined;
export interface PushContext {
  /** aborts when the request was answered without waiting for onMessage (timeout) */
  signal: AbortSignal;
}
export type OnPushMessage = (message: PushMessage, context: PushContext) => PushResult | Promise<PushResult>;

export interface PushRequest {
  method: string;
  query: URLSearchParams;
  /** the raw body, or the object a JSON body parser made of it */
  body: PushBody;
}

export interface PushResponse {
  status: number;
  body: string;
  contentType: string;
}

export interface PushHandlerLimits {
  timeoutMs: number;
  maxSkewSeconds: number | false;
  maxBodyBytes: number;
}

export interface PushHandler {
  /** The framework-free core. */
  handle(req: PushRequest): Promise<PushResponse>;
  /** Node `(req, res)`: node:http, Express, Koa (ctx.req/ctx.res), Fastify (request.raw/reply.raw). */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Web `(Request) => Response`: Next.js route handlers, Hono, edge runtimes. */
  fetch(request: Request): Promise<Response>;
  /** the bounds in force (no secret) */
  readonly limits: PushHandlerLimits;
}

export const DEFAULT_PUSH_TIMEOUT_MS = 4000;
export const DEFAULT_MAX_SKEW_SECONDS = 300;

/** onMessage threw or rejected (whatever it threw, even a WechatPushError, is the app's failure: 500). */
class OnMessageFailure {
  constructor(readonly cause: unknown) {}
}

const text = (status: number, body: string): PushResponse => ({ status, body, contentType: 'text/plain; charset=utf-8' });
const SUCCESS = (): PushResponse => text(200, 'success');

export function createPushHandler(options: PushHandlerOptions, onMessage: OnPushMessage): PushHandler {
  const format = options.format ?? 'xml';
  const limits: PushHandlerLimits = Object.freeze({
    timeoutMs: options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS,
    maxSkewSeconds: options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
  });
  if (!(limits.timeoutMs > 0)) throw new WechatPushError('bad_config', 'createPushHandler: timeoutMs must be a positive number');
  if (limits.maxSkewSeconds !== false && !(limits.maxSkewSeconds >= 0)) throw new WechatPushError('bad_config', 'createPushHandler: maxSkewSeconds must be a number >= 0 or false');
  const crypto = new WechatCrypto({
    token: options.token,
    appid: options.appid,
    ...(options.encodingAESKey ? { encodingAESKey: options.encodingAESKey } : {}),
    ...(limits.maxSkewSeconds === false ? {} : { maxSkewSeconds: limits.maxSkewSeconds }),
  });
  const logger = options.logger ? safeLogger(options.logger) : undefined;
  // a key outlives the timestamp window, so a captured request replayed inside the window is still a duplicate
  const ttlSeconds = options.dedupe ? options.dedupe.ttlSeconds : undefined;
  const dedupeTtl = ttlSeconds ?? Math.max(60, limits.maxSkewSeconds === false ? 0 : limits.maxSkewSeconds);
  const dedupe = options.dedupe === false ? undefined : createDedupe(options.dedupe?.cache ?? new MemoryCache(), dedupeTtl * 1000, logger);

  function refused(err: WechatPushError, method: string, query: URLSearchParams): PushResponse {
    const ts = Number(query.get('timestamp'));
    const skew = Number.isFinite(ts) && ts > 0 ? Math.round(Date.now() / 1000 - ts) : undefined;
    logger?.warn({ reason: err.reason, status: err.status, method, appid: options.appid, encrypt_type: query.get('encrypt_type') ?? 'none', skewSeconds: skew }, `wechat-tools push: refused: ${err.message}`);
    return text(err.status, `${err.reason}: ${err.message}`);
  }

  async function handle(req: PushRequest): Promise<PushResponse> {
    try {
      return await route(req);
    } catch (err) {
      if (err instanceof OnMessageFailure) {
        logger?.error({ error: err.cause instanceof Error ? err.cause.message : String(err.cause) }, 'wechat-tools push: onMessage failed');
        return text(500, 'error');
      }
      if (err instanceof WechatPushError) return refused(err, req.method, req.query);
      if (err instanceof PushParseError) return refused(new WechatPushError('bad_body', `push: ${err.message}`), req.method, req.query);
      logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'wechat-tools push: internal error');
      return text(500, 'error');
    }
  }

  async function route(req: PushRequest): Promise<PushResponse> {
    const q = req.query;
    if (req.method === 'GET') {
      const timestamp = q.get('timestamp') ?? '';
      const nonce = q.get('nonce') ?? '';
      const echostr = q.get('echostr');
      if (echostr === null || !timestamp || !nonce) return text(400, 'missing signature, timestamp, nonce or echostr');
      crypto.verifySignature(q.get('signature'), timestamp, nonce);
      return text(200, echostr);
    }
    if (req.method !== 'POST') return text(405, 'method not allowed');
    if (typeof req.body === 'string' && Buffer.byteLength(req.body) > limits.maxBodyBytes) throw new WechatPushError('too_large', 'push: body too large');
    const { fields, encrypted } = openPush(q, req.body, { crypto, format, ...(options.allowPlaintext ? { allowPlaintext: true } : {}) });
    const message = toPushMessage(fields, pushKinds) as PushMessage;
    if (typeof message.ToUserName !== 'string' || typeof message.FromUserName !== 'string' || typeof message.CreateTime !== 'number' || typeof message.MsgType !== 'string')
      throw new WechatPushError('bad_body', 'push: ToUserName, FromUserName, CreateTime or MsgType missing');

    const key = dedupeKey(options.appid, fields);
    if (dedupe && !(await dedupe.claim(key))) return SUCCESS();
    const controller = new AbortController();
    const work = Promise.resolve().then(() => onMessage(message, { signal: controller.signal }));

    if (options.acknowledgeFirst) {
      work.then(
        (result) => {
          if (result !== undefined && result !== '' && result !== 'success') logger?.warn({ kind: message.kind }, 'wechat-tools push: a reply returned under acknowledgeFirst is dropped (send it through the customer-service API)');
        },
        (err: unknown) => {
          logger?.error({ error: err instanceof Error ? err.message : String(err), kind: message.kind }, 'wechat-tools push: onMessage failed (after acknowledging)');
          void dedupe?.release(key);
        },
      );
      return SUCCESS();
    }

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limits.timeoutMs);
    });
    let result: PushResult | 'timeout';
    try {
      result = await Promise.race([work, timedOut]);
    } catch (err) {
      if (dedupe) await dedupe.release(key); // let WeChat's retry run it again
      throw new OnMessageFailure(err);
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout') {
      controller.abort(new Error(`onMessage did not finish within ${limits.timeoutMs} ms`));
      if (dedupe) await dedupe.release(key);
      logger?.warn({ kind: message.kind, timeoutMs: limits.timeoutMs }, `wechat-tools push: onMessage did not finish within ${limits.timeoutMs} ms; answered 503 so that WeChat retries (use acknowledgeFirst for long work)`);
      work.then(
        () => void dedupe?.mark(key),
        (err: unknown) => logger?.error({ error: err instanceof Error ? err.message : String(err), kind: message.kind }, 'wechat-tools push: onMessage failed (after its timeout)'),
      );
      return text(503, 'timeout');
    }
    if (result === undefined || result === '' || result === 'success') return SUCCESS();
    const r: PushReply = typeof result === 'string' ? { type: 'text', content: result } : result;
    const plain = serializeReply(r, { toUser: message.FromUserName, fromUser: message.ToUserName }, format);
    const contentType = format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8';
    if (!encrypted) return { status: 200, body: plain, contentType };
    const ts = Math.floor(Date.now() / 1000);
    const replyNonce = String(randomBytes(4).readUInt32BE(0));
    const encryptedReply = crypto.encrypt(plain);
    return { status: 200, body: encryptedEnvelope(encryptedReply, crypto.msgSignature(ts, replyNonce, encryptedReply), ts, replyNonce, format), contentType };
  }

  async function node(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let out: PushResponse;
    try {
      const body = req.method === 'POST' ? await readNodeBody(req, limits.maxBodyBytes) : '';
      out = await handle({ method: req.method ?? 'GET', query: url.searchParams, body });
    } catch (err) {
      out = err instanceof WechatPushError ? refused(err, req.method ?? 'GET', url.searchParams) : text(400, 'bad request');
    }
    if (res.headersSent) return;
    res.writeHead(out.status, { 'content-type': out.contentType, 'content-length': Buffer.byteLength(out.body) });
    res.end(out.body);
  }

  async function fetchHandler(request: Request): Promise<Response> {
    let out: PushResponse;
    const query = new URL(request.url).searchParams;
    try {
      const body = request.method === 'POST' ? await readWebBody(request, limits.maxBodyBytes, BODY_READ_TIMEOUT_MS) : '';
      out = await handle({ method: request.method, query, body });
    } catch (err) {
      out = err instanceof WechatPushError ? refused(err, request.method, query) : text(400, 'bad request');
    }
    return new Response(out.body, { status: out.status, headers: { 'content-type': out.contentType } });
  }

  // closures and the limits only: no secret shows through util.inspect or JSON.stringify
  return { handle, node, fetch: fetchHandler, limits };
}
