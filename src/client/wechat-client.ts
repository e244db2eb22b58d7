// The one runtime behind MPTools and OATools: options, the access_token (a provider: the client's
// own ClientTokens, or options.accessTokenProvider; one retry on token errors), and call()/request(),
// which interpret a row of the generated endpoint table. Nothing here is specific to one endpoint.
import { endpointTable } from '../../generated/endpoints.js';
import type { CallOptions } from '../core/call-options.js';
import type { AuthKind, ClientName, EndpointRow, ReplyKind } from '../core/endpoint.js';
import { WechatAbortError, WechatNetworkError, WechatResponseError, WechatTimeoutError, WechatTokenError, WechatToolsError, WechatValidationError, wechatErrorFor } from '../core/errors.js';
import { consoleLogger, safeLogger, type Logger } from '../core/logger.js';
import { scrubError, secretValues } from '../core/redact.js';
import { safeEqual } from '../core/safe-equal.js';
import { WechatResult } from '../core/wechat-data.js';
import { userStateSignature } from '../crypto/user-state.js';
import { buildFormData } from '../http/multipart.js';
import { parseReply, type ParsedReply } from '../http/reply.js';
import { asResponse, createTransport, TransportTimeoutError, type HttpReply } from '../http/transport.js';
import { MemoryCache, type CachedToken, type TokenCache } from '../token/cache.js';
import { ClientTokens } from '../token/client-tokens.js';
import type { FetchedToken, FetchRequest, TokenManager, TokenStore } from '../token/manager.js';
import { hasLock } from '../redis/redis-cache.js';
import { checkResponse, validateParams } from '../validate/validate.js';
import { outcomeOf, retryOptions } from '../retry/outcome.js';
import { shouldRetry, sleep, type RetryState } from '../retry/policy.js';
import type { Middleware, RequestContext } from './middleware.js';
import type { ComponentAccess, TokenMode, WechatToolsOptions } from './options.js';

export const DEFAULT_BASE_URL = 'https://api.weixin.qq.com';
/** WeChat Cloud hosting's open-API service (微信云托管开放接口服务): plain http from inside the platform */
export const CLOUD_BASE_URL = 'http://api.weixin.qq.com';
const DEFAULT_HOSTS = { mp: 'https://mp.weixin.qq.com' } as const;

/** An endpoint that has no spec yet, for client.request(). */
export interface RawRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, unknown>;
  body?: Record<string, unknown>;
  /** default access_token */
  auth?: AuthKind;
  /** default json */
  reply?: ReplyKind;
  /** a name for logs and errors (default the path) */
  operation?: string;
  /** default false: a POST without a spec is never treated as safe to repeat */
  idempotent?: boolean;
}

const opsByClient = new Map<ClientName, Map<string, EndpointRow>>();
export function operationsOf(client: ClientName): Map<string, EndpointRow> {
  let map = opsByClient.get(client);
  if (!map) {
    map = new Map(endpointTable.filter((r) => r.clients.includes(client)).map((r) => [r.op, r]));
    opsByClient.set(client, map);
  }
  return map;
}

const warnedOps = new Set<string>();

export abstract class WechatClient {
  abstract readonly platform: ClientName;
  readonly appid: string;
  protected readonly options: Readonly<WechatToolsOptions>;
  readonly tokenMode: TokenMode;
  #cache: TokenCache;
  readonly #logger: Logger | undefined;
  readonly #transport: ReturnType<typeof createTransport>;
  readonly #tokens: ClientTokens;
  readonly #middleware: Middleware[];

  constructor(options: WechatToolsOptions) {
    if (!options || typeof options.appid !== 'string' || options.appid === '') throw new WechatToolsError('options.appid is required');
    this.options = { ...options };
    this.appid = options.appid;
    this.tokenMode = options.tokenMode ?? 'stable';
    if (this.tokenMode !== 'stable' && this.tokenMode !== 'classic' && this.tokenMode !== 'cloud') throw new WechatToolsError(`options.tokenMode must be 'stable', 'classic' or 'cloud'`);
    this.#cache = options.cache ?? new MemoryCache();
    this.#logger = options.logger ? safeLogger(options.logger) : options.debug ? safeLogger(consoleLogger) : undefined;
    this.#transport = createTransport(() => this.options.fetch);
    this.#middleware = [...(options.middleware ?? [])];
    this.#tokens = new ClientTokens({
      appid: this.appid,
      options: this.options,
      store: this.tokenStore,
      scope: () => this.#cache,
      logger: this.#logger,
      call: (op, params) => this.call(op, params, { throwOnError: false }),
      postJson: (op, url, body, headers) => this.#postJson(op, url, body, headers),
    });
  }

  /** The client's cache, as the token manager's store (honours getCache/setCache/deleteCache overrides). */
  protected get tokenStore(): TokenStore {
    const lockOf = () => this.#cache;
    const client = this;
    return {
      // atomic on the cache when the client reads and deletes through it unchanged
      get deleteIfEquals() {
        const cache = lockOf();
        const plain = client.getCache === WechatClient.prototype.getCache && client.deleteCache === WechatClient.prototype.deleteCache;
        return plain && typeof cache.deleteIfEquals === 'function' ? async (k: string, v: unknown) => (await cache.deleteIfEquals?.(k, v)) === true : undefined;
      },
      // read at each refresh, so setCacheObj() to a Redis cache brings its lock along
      get lock() {
        const cache = lockOf();
        return hasLock(cache) ? { acquire: (k: string, ttl: number) => cache.acquireLock(k, ttl), release: (k: string, t: string) => cache.releaseLock(k, t) } : undefined;
      },
      get: async (k) => this.getCache(k),
      set: async (k, v, ttl) => {
        await this.setCache(k, v, ttl);
      },
      delete: async (k) => {
        await this.deleteCache(k);
      },
    };
  }

  /** A cached, single-flight credential (the access_token, JS-SDK tickets) under wechat-tools:<kind>:<appid>. */
  protected cachedCredential(kind: string, fetch: (req: FetchRequest) => Promise<FetchedToken>): TokenManager {
    return this.#tokens.credential(kind, fetch);
  }

  // ---- cache (override in a subclass for "advanced usage") ----

  /** The cache key of this client's access_token (per appid and token source). */
  get accessTokenCacheKey(): string {
    return this.#tokens.key;
  }

  getCache(key: string): unknown {
    return this.#cache.get(key);
  }

  setCache(key: string, value: unknown, ttlMs?: number): unknown {
    return this.#cache.set(key, value, ttlMs);
  }

  async deleteCache(key: string): Promise<void> {
    if (this.#cache.delete) await this.#cache.delete(key);
    else await this.#cache.set(key, { value: '', expiresAt: 0 } satisfies CachedToken, 1);
  }

  /** Swap the cache (tokens cached in the old one are not carried over). */
  setCacheObj(cache: TokenCache): void {
    this.#cache = cache;
  }

  // ---- access_token ----

  /** The access_token: from the cache, else fetched (one fetch however many callers wait). */
  async getAccessToken(signal?: AbortSignal): Promise<string> {
    const provider = this.options.accessTokenProvider;
    return provider ? provider.get(signal) : this.#tokens.get(signal);
  }

  /** The token and the seconds it has left (for a token service answering {access_token, expires_in}). */
  async getAccessTokenWithExpiry(): Promise<{ value: string; expiresIn: number }> {
    const provider = this.options.accessTokenProvider;
    // a provider's tokens carry no expiry here: report the shortest life, so nobody keeps it long
    return provider ? { value: await provider.get(), expiresIn: 1 } : this.#tokens.withExpiry();
  }

  /**
   * WeChat rejected `failed`: drop it from the cache only if it is still the current token
   * (compare-and-invalidate), so the next getAccessToken() refreshes. true if it was dropped.
   */
  async invalidateAccessToken(failed: string): Promise<boolean> {
    const provider = this.options.accessTokenProvider;
    if (provider) {
      const r: unknown = await provider.invalidate(failed);
      return r === true;
    }
    return this.#tokens.invalidate(failed);
  }

  /** Whether `secret` is this client's AppSecret (constant-time). */
  secretMatches(secret: string): boolean {
    const mine = this.options.secret;
    return mine ? safeEqual(mine, secret) : false;
  }

  /** Use this token from now on (cached for expiresInSeconds, default 7200, less the margin). */
  async setAccessToken(token: string, expiresInSeconds = 7200): Promise<void> {
    await this.#tokens.set(token, expiresInSeconds);
  }

  /** Fetch a new token now. Stable mode: force: true sends force_refresh (20 a day; invalidates the old token). */
  async refreshAccessToken(options: { force?: boolean } = {}): Promise<string> {
    return this.#tokens.refresh(options.force ?? false);
  }

  /** POST JSON to a URL outside WeChat (the token service), through the transport, no retry. */
  async #postJson(operation: string, url: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
    const row: EndpointRow = { op: operation, id: operation, group: '', clients: [this.platform], method: 'POST', path: '', auth: 'none', idempotent: true, reply: 'json' };
    const u = new URL(url);
    const reply = await this.#send(row, { row, operation, attempt: 0, method: 'POST', baseUrl: u.origin, path: u.pathname + u.search, query: {}, body, headers });
    const parsed = parseReply(operation, 'json', reply.response, reply.bytes);
    return { status: reply.response.status, json: parsed.kind === 'json' ? parsed.json : {} };
  }

  // ---- calls ----

  /** Call an operation by name (every spec'd endpoint of this client, including those without a method). */
  call(operation: string, params: object = {}, options: CallOptions = {}): Promise<WechatResult> {
    const row = operationsOf(this.platform).get(operation);
    if (!row) return Promise.reject(new WechatToolsError(`${this.constructor.name} has no operation "${operation}"`));
    return this.#execute(row, params as Record<string, unknown>, options, true);
  }

  /** Call an endpoint that has no spec yet, with the same token handling, retry and WechatData. */
  request(req: RawRequest, options: CallOptions = {}): Promise<WechatResult> {
    const method = req.method;
    const row: EndpointRow = {
      op: req.operation ?? req.path,
      id: req.operation ?? req.path,
      group: '',
      clients: [this.platform],
      method,
      path: req.path,
      auth: req.auth ?? 'access_token',
      ...(req.auth === 'credentials' ? { credentials: { in: method === 'GET' ? 'query' : 'body', appid: 'appid', secret: 'secret' } } : {}),
      idempotent: req.idempotent ?? method === 'GET',
      query: Object.keys(req.query ?? {}),
      reply: req.reply ?? 'json',
    };
    return this.#execute(row, { ...(req.query ?? {}), ...(req.body ?? {}) }, options, false);
  }

  async #execute(row: EndpointRow, params: Record<string, unknown>, options: CallOptions, spec: boolean): Promise<WechatResult> {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new WechatValidationError(row.op, '', 'params must be an object');
    // Acting for a third-party platform: the spec names the variant to call (code2Session → component jscode2session).
    if (row.componentVariant && this.options.component) row = operationsOf(this.platform).get(row.componentVariant) ?? row;
    if (row.ownAppid && params[row.ownAppid] === undefined) params = { ...params, [row.ownAppid]: this.appid };
    const secrets = secretValues(params, [this.options.secret, options.accessToken]);
    try {
      return await this.#attempts(row, params, options, spec, secrets);
    } catch (err) {
      scrubError(err, [...secrets, ...(await this.#currentToken())]);
      throw err;
    }
  }

  /** The cached access_token, for exact-value redaction (never fetches). */
  async #currentToken(): Promise<string[]> {
    const t = await this.#tokens.current();
    return t ? [t] : [];
  }

  async #attempts(row: EndpointRow, params: Record<string, unknown>, options: CallOptions, spec: boolean, secrets: string[]): Promise<WechatResult> {
    if (spec && this.options.validateParams !== false) await validateParams(row, params);
    const state: RetryState = {
      attempts: 0,
      transientRetries: 0,
      tokenRefreshed: false,
      managedToken:
        (row.auth === 'access_token' && options.accessToken === undefined && (this.options.accessTokenProvider !== undefined || (this.options.passiveAccessToken !== false && this.tokenMode !== 'cloud'))) ||
        row.auth === 'component_access_token',
      idempotent: row.idempotent,
      options: retryOptions(this.options.retry, options.retry),
    };
    for (;;) {
      const ctx = this.#context(row, params, state.attempts);
      // Cloud mode: calls from inside WeChat Cloud are authenticated by the platform, no token at all.
      if (row.auth === 'access_token' && (options.accessToken !== undefined || this.options.accessTokenProvider !== undefined || this.tokenMode !== 'cloud')) {
        ctx.accessToken = options.accessToken ?? (await this.getAccessToken(options.signal));
      }
      if (row.auth === 'component_access_token') ctx.accessToken = await this.#component(row).tokenProvider.get(options.signal);
      for (const m of this.#middleware) await m.onRequest?.(ctx);
      if (ctx.accessToken !== undefined) {
        ctx.query[row.auth === 'component_access_token' ? 'component_access_token' : 'access_token'] = ctx.accessToken;
        if (!secrets.includes(ctx.accessToken)) secrets.push(ctx.accessToken);
      }
      const started = performance.now();
      state.attempts++;
      let reply: HttpReply;
      let parsed: ParsedReply;
      try {
        reply = await this.#send(row, ctx, options);
        parsed = parseReply(row.op, row.reply, reply.response, reply.bytes, this.options.maxResponseBytes);
      } catch (err) {
        const decision = shouldRetry(outcomeOf(err), state);
        this.#logger?.debug({ operation: row.op, path: row.path, error: err instanceof Error ? err.name : 'error', attempt: state.attempts, retry: decision.retry, why: decision.why }, `wechat-tools ${row.op} failed`);
        if (!decision.retry) throw err;
        state.transientRetries++;
        await this.#pause(row, decision.delayMs, options, err);
        continue;
      }
      const errcode = parsed.kind === 'json' ? Number(parsed.json['errcode'] ?? 0) || 0 : undefined;
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      this.#logger?.debug({ operation: row.op, method: row.method, path: row.path, status: reply.response.status, errcode, ms: durationMs, attempt: state.attempts }, `wechat-tools ${row.op}`);
      for (const m of this.#middleware) await m.onResponse?.(ctx, { status: reply.response.status, durationMs, errcode });

      if (errcode !== undefined && errcode !== 0) {
        const decision = shouldRetry({ kind: 'errcode', errcode }, state);
        if (decision.retry) {
          if (decision.refreshToken && ctx.accessToken !== undefined) {
            this.#logger?.debug({ operation: row.op, errcode }, 'wechat-tools: token rejected, refreshing once');
            state.tokenRefreshed = true;
            if (row.auth === 'component_access_token') await this.#component(row).tokenProvider.invalidate(ctx.accessToken);
            else await this.invalidateAccessToken(ctx.accessToken);
          } else {
            state.transientRetries++;
            await this.#pause(row, decision.delayMs, options, undefined);
          }
          continue;
        }
      }
      const result =
        parsed.kind === 'binary'
          ? new WechatResult({ operation: row.op, status: reply.response.status, response: () => asResponse(reply.response), binary: { buffer: parsed.bytes, contentType: parsed.contentType }, secrets })
          : new WechatResult({ operation: row.op, status: reply.response.status, response: () => asResponse(reply.response), json: parsed.json, fields: parsed.json, secrets });
      if (result.errcode !== 0) {
        if (options.throwOnError ?? this.options.throwOnError) throw wechatErrorFor({ operation: row.op, errcode: result.errcode, errmsg: result.errmsg });
        return result;
      }
      if (parsed.kind === 'json' && row.reply === 'binary') {
        throw new WechatResponseError(row.op, reply.response.status, reply.response.headers.get('content-type') ?? '', JSON.stringify(parsed.json), 'expected bytes, got JSON without an errcode');
      }
      if (spec && parsed.kind === 'json') await this.#checkReply(row, parsed.json);
      return result;
    }
  }

  /** The third-party platform this client acts for (endpoints with auth component_access_token). */
  #component(row: EndpointRow): ComponentAccess {
    const c = this.options.component;
    if (!c) throw new WechatTokenError(`${row.op} takes a third-party platform's component_access_token: call it on an OpenPlatform, or on OpenPlatform.miniProgram(appid) / officialAccount(appid)`, { operation: row.op });
    return c;
  }

  /** Back off before a retry; the caller's signal cuts it short. */
  async #pause(row: EndpointRow, delayMs: number, options: CallOptions, cause: unknown): Promise<void> {
    try {
      await sleep(delayMs, options.signal);
    } catch {
      throw new WechatAbortError(row.op, cause);
    }
  }

  #context(row: EndpointRow, params: Record<string, unknown>, attempt: number): RequestContext {
    const query: Record<string, unknown> = { ...(row.constants?.query ?? {}) };
    let body: Record<string, unknown> | undefined = row.method === 'POST' ? { ...(row.constants?.body ?? {}) } : undefined;
    const inQuery = new Set(row.query ?? []);
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || k === row.sign?.from) continue;
      if (inQuery.has(k) || body === undefined) query[k] = v;
      else body[k] = v;
    }
    if ((row.auth === 'credentials' || row.auth === 'appid') && row.credentials) {
      const target = row.credentials.in === 'query' ? query : (body ??= {});
      target[row.credentials.appid] = this.appid;
      if (row.auth === 'credentials') {
        const secret = this.options.secret;
        if (!secret) throw new WechatValidationError(row.op, '/secret', 'is required: options.secret is not set');
        target[row.credentials.secret] = secret;
      }
    }
    if (row.auth === 'component_access_token' && row.credentials) {
      const target = row.credentials.in === 'query' ? query : (body ??= {});
      target[row.credentials.appid] = this.#component(row).appid;
    }
    const sessionKey = row.sign ? params[row.sign.from] : undefined;
    if (row.sign && typeof sessionKey === 'string') {
      // The signature covers the exact POST body: with no fields, send none and sign "".
      if (body !== undefined && Object.keys(body).length === 0) body = undefined;
      const signature = userStateSignature(sessionKey, body === undefined ? '' : JSON.stringify(body));
      if (inQuery.has(row.sign.to) || body === undefined) query[row.sign.to] = signature;
      else body[row.sign.to] = signature;
    }
    const api = this.options.baseUrl ?? (this.tokenMode === 'cloud' ? CLOUD_BASE_URL : DEFAULT_BASE_URL);
    const baseUrl = row.host === 'mp' ? (this.options.hosts?.mp ?? this.options.baseUrl ?? DEFAULT_HOSTS.mp) : api;
    return { row, operation: row.op, attempt, method: row.method, baseUrl: baseUrl.replace(/\/+$/, ''), path: row.path, query, body, headers: {} };
  }

  async #send(row: EndpointRow, ctx: RequestContext, options: CallOptions = {}): Promise<HttpReply> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    if (options.signal?.aborted) throw new WechatAbortError(row.op, options.signal.reason);
    const body = ctx.body === undefined ? undefined : row.multipart ? await buildFormData(row.op, ctx.body, row.files ?? []) : ctx.body;
    try {
      return await this.#transport({
        method: ctx.method,
        baseUrl: ctx.baseUrl,
        path: ctx.path,
        query: ctx.query,
        body,
        headers: options.headers ? { ...ctx.headers, ...options.headers } : ctx.headers,
        timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted) throw new WechatAbortError(row.op, err);
      if (err instanceof TransportTimeoutError) throw new WechatTimeoutError(row.op, timeoutMs, row.idempotent, err);
      if (err instanceof WechatToolsError) throw err;
      const code = (err as { cause?: { code?: unknown } })?.cause?.code;
      const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
      throw new WechatNetworkError(row.op, err, !notSent);
    }
  }

  async #checkReply(row: EndpointRow, json: Record<string, unknown>): Promise<void> {
    const mode = this.options.validateResponses ?? 'warn';
    if (mode === 'off') return;
    const problem = await checkResponse(row, json);
    if (problem === undefined) return;
    const message = `${row.op}: the reply does not match the spec: ${problem}`;
    if (mode === 'throw') throw new WechatValidationError(row.op, problem.split(' ')[0] ?? '', `in the reply ${problem.slice(problem.indexOf(' ') + 1)}`);
    if (this.#logger) this.#logger.warn({ operation: row.op, problem }, message);
    else if (!warnedOps.has(row.op)) {
      warnedOps.add(row.op);
      process.emitWarning(message, 'WechatToolsWarning');
    }
  }
}
