// The 授权事件接收URL (authorization event URL): WeChat POSTs encrypted events there (safe mode,
// encrypted with the platform's Token / EncodingAESKey, appid = the platform). The verify ticket is
// stored in the shared cache before the handler runs; an unauthorized event drops the authorizer's
// tokens. The answer is "success" (WeChat retries otherwise).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { TokenCache } from '../token/cache.js';
import { WechatCrypto, WechatPushError } from '../push/crypto.js';
import { PushParseError, parseRawPush } from '../push/parse.js';
import { toComponentEvent, type ComponentEvent } from './events.js';
import { adapters, text, type PlatformPushRequest as PushRequest, type PlatformPushResponse as PushResponse } from './http.js';

export type OnComponentEvent = (event: ComponentEvent) => void | Promise<void>;

export interface ComponentPushHandler {
  /** The framework-free core. */
  handle(req: PushRequest): Promise<PushResponse>;
  /** Node `(req, res)`: node:http, Express, Koa (ctx.req/ctx.res), Fastify (request.raw/reply.raw). */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Web `(Request) => Response`: Next.js route handlers, Hono, edge runtimes. */
  fetch(request: Request): Promise<Response>;
}

export interface ComponentPushHooks {
  crypto: WechatCrypto;
  /** store a verified ticket (shared cache) */
  onTicket(ticket: string): Promise<void>;
  /** an authorizer revoked the platform: drop its tokens */
  onUnauthorized(authorizerAppid: string): Promise<void>;
  logger: Logger | undefined;
  maxBodyBytes: number;
  /** drops WeChat's retries of an event already handled (shared cache: across servers too) */
  dedupe: { cache: TokenCache; ttlMs: number; componentAppid: string } | undefined;
}

export function createComponentPushHandler(hooks: ComponentPushHooks, onEvent?: OnComponentEvent): ComponentPushHandler {
  const { crypto } = hooks;

  async function handle(req: PushRequest): Promise<PushResponse> {
    try {
      return await route(req);
    } catch (err) {
      if (err instanceof WechatPushError) return text(err.status, err.reason);
      if (err instanceof PushParseError) return text(400, 'bad_body');
      hooks.logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'wechat-tools platform push: the event handler failed');
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
    if (Buffer.byteLength(req.body) > hooks.maxBodyBytes) throw new WechatPushError('too_large', 'push: body too large');
    if (!timestamp || !nonce) return text(400, 'missing timestamp or nonce');
    const envelope = parseRawPush(req.body, 'xml');
    const encrypt = envelope['Encrypt'];
    if (typeof encrypt !== 'string') throw new WechatPushError('bad_body', 'platform push: no Encrypt in the body (events are always encrypted)');
    crypto.verifyMsgSignature(q.get('msg_signature'), timestamp, nonce, encrypt);
    const event = toComponentEvent(parseRawPush(crypto.decrypt(encrypt), 'xml'));
    if (typeof event.InfoType !== 'string' || event.InfoType === '') throw new WechatPushError('bad_body', 'platform push: no InfoType');
    if (event.kind === 'component_verify_ticket') {
      const ticket = event.ComponentVerifyTicket;
      if (typeof ticket !== 'string' || ticket === '') throw new WechatPushError('bad_body', 'platform push: empty ComponentVerifyTicket');
      await hooks.onTicket(ticket);
    } else if (event.kind === 'unauthorized' && event.AuthorizerAppid) {
      await hooks.onUnauthorized(event.AuthorizerAppid);
    }
    if (!onEvent || event.kind === 'component_verify_ticket') {
      await onEvent?.(event);
      return text(200, 'success');
    }
    // WeChat retries an event it got no "success" for: run the handler once per event, across servers.
    const d = hooks.dedupe;
    const key = d ? `wechat-tools:component-push:${d.componentAppid}:${event.InfoType}:${String((event as { AuthorizerAppid?: unknown }).AuthorizerAppid ?? '')}:${event.CreateTime}` : undefined;
    if (d && key) {
      if ((await d.cache.get(key)) !== undefined) return text(200, 'success');
      await d.cache.set(key, 1, d.ttlMs);
    }
    try {
      await onEvent(event);
    } catch (err) {
      if (d && key && d.cache.delete) await d.cache.delete(key); // let WeChat's retry run it again
      throw err;
    }
    return text(200, 'success');
  }

  return { handle, ...adapters((req) => handle(req), hooks.maxBodyBytes) };
}
