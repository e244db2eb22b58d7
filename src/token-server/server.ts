// The central token service: the seed's protocol, POST JSON {appid, secret} → {access_token, expires_in},
// served from its clients' (shared) cache. One implementation, Node and Web adapters; neither ever
// rejects (a broken or aborted request is answered or dropped, the server keeps serving).
//
// Revocation: a client whose token WeChat rejected (40001/40014/42001) sends the same request with
// `invalid_token: "<that token>"`; the service refreshes only if that token is still the one it serves
// (compare-and-refresh, single-flight per appid, rate-limited) and answers with the new token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WechatClient } from '../client/wechat-client.js';
import { WechatError, WechatToolsError } from '../core/errors.js';
import { safeLogger, type Logger } from '../core/logger.js';
import { safeEqual } from '../core/safe-equal.js';
import { BodyReadError, readNodeBody, readWebBody } from '../server/read-body.js';
import { RefreshGate, type RefreshLimit } from './refresh-gate.js';

export interface TokenServerOptions {
  /** the apps served: their clients (with secrets and, in production, a shared Redis cache) */
  apps: WechatClient[];
  /** also accept `Authorization: Bearer <key>` instead of the app's secret */
  bearerKeys?: string[];
  /** largest accepted body (default 16 KiB) */
  maxBodyBytes?: number;
  /** the whole body must arrive within this (default 10 s) */
  bodyTimeoutMs?: number;
  /** how often a reported (invalid_token) token may cause a refresh, per app */
  refreshLimit?: RefreshLimit;
  logger?: Logger;
}

export interface TokenServerRequest {
  method: string;
  headers: { authorization?: string | undefined };
  body: string;
}

export interface TokenServer {
  /** Answer one request. Never rejects. */
  handle(req: TokenServerRequest): Promise<{ status: number; body: string }>;
  /** Node adapter (`http.createServer((req, res) => ts.node(req, res))`). Never rejects. */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Web adapter (Next.js, Hono, edge runtimes). Never rejects. */
  fetch(request: Request): Promise<Response>;
}

type Answer = { status: number; body: string };
const json = (status: number, body: Record<string, unknown>): Answer => ({ status, body: JSON.stringify(body) });

function bodyFailure(err: BodyReadError): Answer {
  if (err.reason === 'too_large') return json(413, { errcode: 413, errmsg: 'body too large' });
  if (err.reason === 'timeout') return json(408, { errcode: 408, errmsg: 'request body not received in time' });
  return json(400, { errcode: 400, errmsg: 'request aborted' });
}

export function createTokenServer(options: TokenServerOptions): TokenServer {
  const apps = new Map(options.apps.map((c) => [c.appid, c]));
  const limits = { maxBytes: options.maxBodyBytes ?? 16 * 1024, timeoutMs: options.bodyTimeoutMs ?? 10_000 };
  const logger = options.logger ? safeLogger(options.logger) : undefined;
  const gate = new RefreshGate(options.refreshLimit);

  async function serve(req: TokenServerRequest): Promise<Answer> {
    if (req.method !== 'POST') return json(405, { errcode: 43002, errmsg: 'require POST method' });
    if (Buffer.byteLength(req.body) > limits.maxBytes) return json(413, { errcode: 413, errmsg: 'body too large' });
    let input: unknown;
    try {
      input = JSON.parse(req.body);
    } catch {
      return json(400, { errcode: 47001, errmsg: 'data format error: body is not JSON' });
    }
    const fields = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
    const appid = Object.hasOwn(fields, 'appid') ? fields['appid'] : undefined;
    const secret = Object.hasOwn(fields, 'secret') ? fields['secret'] : undefined;
    const invalid = Object.hasOwn(fields, 'invalid_token') ? fields['invalid_token'] : undefined;
    if (typeof appid !== 'string' || appid === '') return json(400, { errcode: 41002, errmsg: 'appid missing' });
    if (invalid !== undefined && (typeof invalid !== 'string' || invalid === '')) return json(400, { errcode: 47001, errmsg: 'invalid_token must be a non-empty string' });
    const client = apps.get(appid);
    if (!client) return json(404, { errcode: 40013, errmsg: 'invalid appid' });
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const byKey = bearer !== undefined && (options.bearerKeys ?? []).some((k) => k !== '' && safeEqual(k, bearer));
    const bySecret = typeof secret === 'string' && client.secretMatches(secret);
    if (!byKey && !bySecret) return json(401, { errcode: 40125, errmsg: 'invalid appsecret or key' });
    try {
      if (typeof invalid === 'string') {
        const outcome = await gate.report(appid, client, invalid);
        logger?.info({ appid, outcome }, 'wechat-tools token server: a client reported a rejected token');
        if (outcome === 'rate_limited') {
          const { value } = await client.getAccessTokenWithExpiry();
          if (value === invalid) return json(429, { errcode: 45009, errmsg: 'token refresh rate limit reached for this appid: try again later' });
        }
      }
      const { value, expiresIn } = await client.getAccessTokenWithExpiry();
      logger?.debug({ appid, expires_in: expiresIn }, 'wechat-tools token server: served a token');
      return json(200, { access_token: value, expires_in: expiresIn });
    } catch (err) {
      logger?.warn({ appid, error: err instanceof Error ? err.message : String(err) }, 'wechat-tools token server: no token');
      if (err instanceof WechatError) return json(502, { errcode: err.errcode, errmsg: err.errmsg });
      return json(502, { errcode: -1, errmsg: err instanceof WechatToolsError ? err.message : 'token source failed' });
    }
  }

  async function handle(req: TokenServerRequest): Promise<Answer> {
    try {
      return await serve(req);
    } catch {
      return json(500, { errcode: -1, errmsg: 'token server error' });
    }
  }

  async function node(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      let out: Answer;
      try {
        const body = req.method === 'POST' ? (await readNodeBody(req, limits)).toString('utf8') : '';
        out = await handle({ method: req.method ?? 'GET', headers: { authorization: req.headers.authorization }, body });
      } catch (err) {
        if (!(err instanceof BodyReadError)) throw err;
        if (err.reason === 'aborted') {
          res.destroy(); // the client is gone: nobody to answer
          return;
        }
        out = bodyFailure(err);
      }
      if (res.headersSent || res.destroyed) return;
      res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(out.body) });
      res.end(out.body);
    } catch (err) {
      logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'wechat-tools token server: request failed');
      if (!res.destroyed) res.destroy();
    }
  }

  async function fetchHandler(request: Request): Promise<Response> {
    let out: Answer;
    try {
      const body = request.method === 'POST' ? Buffer.from(await readWebBody(request, limits)).toString('utf8') : '';
      out = await handle({ method: request.method, headers: { authorization: request.headers.get('authorization') ?? undefined }, body });
    } catch (err) {
      out = err instanceof BodyReadError ? bodyFailure(err) : json(500, { errcode: -1, errmsg: 'token server error' });
    }
    return new Response(out.body, { status: out.status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  }

  return { handle, node, fetch: fetchHandler };
}
