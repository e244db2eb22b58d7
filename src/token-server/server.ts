// The central token service: the seed's protocol, POST JSON {appid, secret} → {access_token, expires_in},
// served from its clients' (shared) cache. One implementation, Node and Web adapters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WechatClient } from '../client/wechat-client.js';
import { WechatError, WechatToolsError } from '../core/errors.js';
import { safeLogger, type Logger } from '../core/logger.js';
import { safeEqual } from '../core/safe-equal.js';

export interface TokenServerOptions {
  /** the apps served: their clients (with secrets and, in production, a shared Redis cache) */
  apps: WechatClient[];
  /** also accept `Authorization: Bearer <key>` instead of the app's secret */
  bearerKeys?: string[];
  /** largest accepted body (default 16 KiB) */
  maxBodyBytes?: number;
  logger?: Logger;
}

export interface TokenServer {
  handle(req: { method: string; headers: { authorization?: string | undefined }; body: string }): Promise<{ status: number; body: string }>;
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  fetch(request: Request): Promise<Response>;
}

const json = (status: number, body: Record<string, unknown>) => ({ status, body: JSON.stringify(body) });

export function createTokenServer(options: TokenServerOptions): TokenServer {
  const apps = new Map(options.apps.map((c) => [c.appid, c]));
  const maxBody = options.maxBodyBytes ?? 16 * 1024;
  const logger = options.logger ? safeLogger(options.logger) : undefined;

  async function handle(req: { method: string; headers: { authorization?: string | undefined }; body: string }): Promise<{ status: number; body: string }> {
    if (req.method !== 'POST') return json(405, { errcode: 43002, errmsg: 'require POST method' });
    if (Buffer.byteLength(req.body) > maxBody) return json(413, { errcode: 413, errmsg: 'body too large' });
    let input: unknown;
    try {
      input = JSON.parse(req.body);
    } catch {
      return json(400, { errcode: 47001, errmsg: 'data format error: body is not JSON' });
    }
    const { appid, secret } = (input && typeof input === 'object' ? input : {}) as { appid?: unknown; secret?: unknown };
    if (typeof appid !== 'string' || appid === '') return json(400, { errcode: 41002, errmsg: 'appid missing' });
    const client = apps.get(appid);
    if (!client) return json(404, { errcode: 40013, errmsg: 'invalid appid' });
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const byKey = bearer !== undefined && (options.bearerKeys ?? []).some((k) => safeEqual(k, bearer));
    const bySecret = typeof secret === 'string' && client.secretMatches(secret);
    if (!byKey && !bySecret) return json(401, { errcode: 40125, errmsg: 'invalid appsecret or key' });
    try {
      const { value, expiresIn } = await client.getAccessTokenWithExpiry();
      logger?.debug({ appid, expires_in: expiresIn }, 'wechat-tools token server: served a token');
      return json(200, { access_token: value, expires_in: expiresIn });
    } catch (err) {
      logger?.warn({ appid, error: err instanceof Error ? err.message : String(err) }, 'wechat-tools token server: no token');
      if (err instanceof WechatError) return json(502, { errcode: err.errcode, errmsg: err.errmsg });
      return json(502, { errcode: -1, errmsg: err instanceof WechatToolsError ? err.message : 'token source failed' });
    }
  }

  async function node(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > maxBody) {
        tooLarge = true;
        break;
      }
      chunks.push(c as Buffer);
    }
    const out = tooLarge ? json(413, { errcode: 413, errmsg: 'body too large' }) : await handle({ method: req.method ?? 'GET', headers: { authorization: req.headers.authorization }, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(out.body) });
    res.end(out.body);
  }

  async function fetchHandler(request: Request): Promise<Response> {
    const body = request.method === 'POST' ? await request.text() : '';
    const out = await handle({ method: request.method, headers: { authorization: request.headers.get('authorization') ?? undefined }, body });
    return new Response(out.body, { status: out.status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  }

  return { handle, node, fetch: fetchHandler };
}
