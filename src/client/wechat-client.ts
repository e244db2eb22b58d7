// The one runtime behind MPTools and OATools: the access_token (a provider: the client's own
// ClientTokens in src/token/, or options.accessTokenProvider; one retry on token errors), and
// call()/request(), which interpret a row of the generated endpoint table through small parts: options
// (resolve-options.ts), the request of an attempt (build-request.ts), the wire (send.ts), the result
// (shape-result.ts), the retry policy (src/retry/). Nothing here is specific to one endpoint. Secrets live
// in private fields: a client prints as `MPTools { appid, tokenMode }`, and errors leaving it are scrubbed
// of every secret value it knows.
import { inspect } from 'node:util';
import type { CallOptions } from '../core/call-options.js';
import type { ClientName, EndpointRow } from '../core/endpoint.js';
import { WechatAbortError, WechatError, WechatNetworkError, WechatResponseError, WechatTimeoutError, WechatTokenError, WechatToolsError, WechatValidationError, wechatErrorFor } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { checkParams } from '../core/params-check.js';
import { scrubError, secretValues } from '../core/redact.js';
import { safeEqual } from '../core/safe-equal.js';
import { SecretBook } from '../core/secret-book.js';
import { WechatResult } from '../core/wechat-data.js';
import { isThenable } from '../core/thenable.js';
import { parseReply, type ParsedReply } from '../http/reply.js';
import { createTransport, type HttpReply } from '../http/transport.js';
import { MemoryCache, type CachedToken, type TokenCache } from '../token/cache.js';
import { ClientTokens } from '../token/client-tokens.js';
import type { FetchedToken, FetchRequest, TokenManager, TokenStore } from '../token/manager.js';
import { hasLock } from '../redis/redis-cache.js';
import { validateParams } from '../validate/validate.js';
import { applyDateRule } from '../validate/date-rules.js';
import { Deadline } from '../retry/deadline.js';
import { outcomeOf, retryOptions } from '../retry/outcome.js';
import { shouldRetry, sleep, type RetryOptions, type RetryState } from '../retry/policy.js';
import { buildContext, rawParams, rawRow, record, type RawRequest } from './build-request.js';
import type { Middleware, RequestContext } from './middleware.js';
import { operationsWith } from './extend.js';
import { paginate, type PageIterator, type PaginateOptions } from './paginate.js';
import { XpaySigner } from '../sign/xpay.js';
import { ApiSecurity } from '../sign/api-security.js';
import type { ComponentAccess, TokenMode, WechatToolsOptions } from './options.js';
import { baseUrlFor, callLimits, checkOptions, loggerOf } from './resolve-options.js';
import { sendAttempt } from './send.js';
import { checkReply, shapeResult } from './shape-result.js';

export { CLOUD_BASE_URL, DEFAULT_BASE_URL } from './resolve-options.js';
export { operationsOf } from './operations.js';
export type { RawRequest } from './build-request.js';

/** Header values of the token service, and the key inside a `Bearer …` value. */
const headerSecrets = (headers: Record<string, string> | undefined) => Object.values(headers ?? {}).flatMap((v) => [v, v.split(/\s+/).pop()]);

/** The exact values inside what is written to the cache (a token entry, a user's web tokens). */
function cachedSecrets(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  return secretValues(v, [typeof v['value'] === 'string' ? v['value'] : undefined]);
}

export abstract class WechatClient {
  abstract readonly platform: ClientName;
  readonly appid: string;
  readonly tokenMode: TokenMode;
  readonly #options: Readonly<WechatToolsOptions>;
  #cache: TokenCache;
  readonly #logger: Logger | undefined;
  readonly #transport: ReturnType<typeof createTransport>;
  readonly #tokens: ClientTokens;
  readonly #middleware: Middleware[];
  /** every secret value this client has seen, for exact-value scrubbing of errors */
  readonly #book: SecretBook;
  /** virtual-payment signing (built-in middleware, last: it signs the final body); holds the AppKeys */
  readonly #xpay: XpaySigner;
  /** WeChat's API security channel (built-in middleware after xpay: it seals the final body); holds its keys */
  readonly #apiSecurity: ApiSecurity;
  /** the retry options of a call that sets none (worked out once) */
  #retryDefaults: Required<RetryOptions> | undefined;
  /** base URL per row host */
  readonly #baseUrls = new Map<string, string>();
  /** the operation table: the built-in rows and options.endpoints (built on first use: the platform is a subclass field) */
  #ops: Map<string, EndpointRow> | undefined;

  constructor(options: WechatToolsOptions) {
    const checked = checkOptions(options);
    this.#options = checked.options;
    this.appid = options.appid;
    this.tokenMode = checked.tokenMode;
    this.#cache = options.cache ?? new MemoryCache();
    this.#logger = loggerOf(options);
    this.#book = new SecretBook([options.secret, options.accessToken, ...headerSecrets(options.getAccessTokenHeaders)]);
    this.#transport = createTransport(() => this.#options.fetch);
    this.#xpay = new XpaySigner(options.xpay);
    this.#apiSecurity = new ApiSecurity(options.appid, options.apiSecurity);
    this.#middleware = [...(options.middleware ?? []), this.#xpay, this.#apiSecurity];
    this.#tokens = new ClientTokens({
      appid: this.appid,
      options: this.#options,
      store: this.tokenStore,
      scope: () => this.#cache,
      logger: this.#logger,
      call: (op, params) => this.call(op, params, { throwOnError: false }),
      postJson: (op, url, body, headers) => this.#postJson(op, url, body, headers),
    });
  }

  /** The operations of this client by name: the built-in ones and those of options.endpoints. */
  protected operations(): Map<string, EndpointRow> {
    this.#ops ??= operationsWith(this.platform, this.constructor.name, this.#options.endpoints, this);
    return this.#ops;
  }

  /** Give the client a method per extra endpoint (options.endpoints) that has none on the class. */
  protected bindExtraEndpoints(): void {
    if (!this.#options.endpoints) return;
    for (const [op, row] of this.operations()) {
      if (row.bind === false || op in this) continue;
      Object.defineProperty(this, op, {
        value: (params?: object, options?: CallOptions) => this.call(op, params, options),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }

  /** The options the client was made with (a copy; a private field, so never printed or serialized). */
  protected get options(): Readonly<WechatToolsOptions> {
    return this.#options;
  }

  /** `{ client, appid, tokenMode }`: never the secret, the tokens or the token service's headers. */
  toJSON(): Record<string, unknown> {
    return { client: this.constructor.name, appid: this.appid, tokenMode: this.tokenMode };
  }

  [inspect.custom](): string {
    return `${this.constructor.name} { appid: ${JSON.stringify(this.appid)}, tokenMode: ${JSON.stringify(this.tokenMode)} }`;
  }

  /** Run a cache operation; its error leaves scrubbed of the values written and the known secrets. */
  async #scrubbed<T>(run: () => T | Promise<T>, written: readonly string[] = []): Promise<T> {
    try {
      return await run();
    } catch (err) {
      scrubError(err, [...written, ...this.#book.values()]);
      throw err;
    }
  }

  /** The client's cache, as the token manager's store (honours getCache/setCache/deleteCache overrides). */
  protected get tokenStore(): TokenStore {
    const lockOf = () => this.#cache;
    const scrubbed = <T>(run: () => T | Promise<T>, written?: readonly string[]) => this.#scrubbed(run, written);
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
        return hasLock(cache) ? { acquire: (k: string, ttl: number) => scrubbed(() => cache.acquireLock(k, ttl)), release: (k: string, t: string) => scrubbed(() => cache.releaseLock(k, t)) } : undefined;
      },
      get: (k) => scrubbed(() => this.getCache(k)),
      // the per-call fast path: a cache that answers at once is read without a promise
      getNow: (k) => {
        let v: unknown;
        try {
          v = this.getCache(k);
        } catch (err) {
          return scrubbed(() => Promise.reject(err));
        }
        return isThenable(v) ? scrubbed(() => v) : v;
      },
      set: async (k, v, ttl) => {
        await scrubbed(() => this.setCache(k, v, ttl), cachedSecrets(v));
      },
      delete: async (k) => {
        await scrubbed(() => this.deleteCache(k));
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

  /** getAccessToken() for a call: no promise when the token is at hand (unless a subclass overrides getAccessToken). */
  #tokenForCall(signal: AbortSignal | undefined): string | Promise<string> {
    if (this.options.accessTokenProvider || this.getAccessToken !== WechatClient.prototype.getAccessToken) return this.getAccessToken(signal);
    return this.#tokens.getNow(signal);
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

  // call() and paginate() declare the same signature twice: a base method with more than one signature
  // makes TypeScript check the typed overrides of MPTools, OATools and OpenPlatform against it with their
  // generics erased. With one, it instantiates `K extends keyof …Operations` with every operation name and
  // builds WechatData<every reply type> (unions of hundreds of intersections): about a tenth more CPU for
  // a consumer's type-check with skipLibCheck: false (bench/typecheck.mjs). Callers see the signature twice.
  /** Call an operation by name (every spec'd endpoint of this client, including those without a method). */
  call(operation: string, params?: object, options?: CallOptions): Promise<WechatResult>;
  /** Call an operation by name (every spec'd endpoint of this client, including those without a method). */
  call(operation: string, params?: object, options?: CallOptions): Promise<WechatResult>;
  call(operation: string, params: object = {}, options: CallOptions = {}): Promise<WechatResult> {
    const row = this.operations().get(operation);
    if (!row) return Promise.reject(new WechatToolsError(`${this.constructor.name} has no operation "${operation}"`));
    return this.#execute(row, params as Record<string, unknown>, options, true);
  }

  /**
   * Page through a list endpoint (its spec's `pagination`): `for await (const item of client.paginate(op, params))`,
   * or `.pages()` for the replies. Throws the WechatError of an errcode; `maxItems` and `signal` stop it.
   */
  paginate(operation: string, params?: object, options?: PaginateOptions): PageIterator<unknown, WechatResult>;
  /**
   * Page through a list endpoint (its spec's `pagination`): `for await (const item of client.paginate(op, params))`,
   * or `.pages()` for the replies. Throws the WechatError of an errcode; `maxItems` and `signal` stop it.
   */
  paginate(operation: string, params?: object, options?: PaginateOptions): PageIterator<unknown, WechatResult>;
  paginate(operation: string, params: object = {}, options: PaginateOptions = {}): PageIterator<unknown, WechatResult> {
    const row = this.operations().get(operation);
    return paginate({ client: this.constructor.name, operation, row, params, options, call: (p, o) => this.call(operation, p, o) });
  }

  /** Call an endpoint that has no spec yet, with the same token handling, retry and WechatData. */
  request(req: RawRequest, options: CallOptions = {}): Promise<WechatResult> {
    const row = rawRow(req, this.platform);
    if ([req.query, req.body].some((p) => p !== undefined && (p === null || typeof p !== 'object' || Array.isArray(p)))) return Promise.reject(new WechatValidationError(row.op, '', 'query and body must be objects'));
    return this.#execute(row, rawParams(req), options, false);
  }

  /** The checks that need no I/O, then the attempts. Not async: a bad call is refused with no await. */
  #execute(row: EndpointRow, params: Record<string, unknown>, options: CallOptions, spec: boolean): Promise<WechatResult> {
    let secrets: string[];
    try {
      if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new WechatValidationError(row.op, '', 'params must be an object');
      checkParams(row.op, params);
      // Acting for a third-party platform: the spec names the variant to call (code2Session → component jscode2session).
      if (row.componentVariant && this.#options.component) row = this.operations().get(row.componentVariant) ?? row;
      params = record(params); // own keys only, no prototype
      if (row.ownAppid && params[row.ownAppid] === undefined) params[row.ownAppid] = this.appid;
      if (row.dateRule) applyDateRule(row, params, this.#options.validateParams !== false);
      secrets = secretValues(params, [this.#options.secret, options.accessToken]);
      this.#xpay.check(row, params);
      this.#apiSecurity.check(row);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#attempts(row, params, options, spec, secrets);
  }

  /** The cached access_token, for exact-value redaction (never fetches). */
  async #currentToken(): Promise<string[]> {
    const t = await this.#tokens.current();
    return t ? [t] : [];
  }

  async #attempts(row: EndpointRow, params: Record<string, unknown>, options: CallOptions, spec: boolean, secrets: string[]): Promise<WechatResult> {
    try {
      if (spec && this.#options.validateParams !== false) {
        const loading = validateParams(row, params);
        if (loading) await loading;
      }
      const limits = callLimits(row, this.#options, options);
      const deadline = new Deadline(limits.deadlineMs);
      const state: RetryState = {
        attempts: 0,
        transientRetries: 0,
        tokenRefreshed: false,
        managedToken:
          (row.auth === 'access_token' && options.accessToken === undefined && (this.#options.accessTokenProvider !== undefined || (this.#options.passiveAccessToken !== false && this.tokenMode !== 'cloud'))) ||
          row.auth === 'component_access_token',
        idempotent: row.idempotent,
        options: options.retry === undefined ? (this.#retryDefaults ??= retryOptions(this.#options.retry, undefined)) : retryOptions(this.#options.retry, options.retry),
      };
      const baseUrl = this.#baseUrlOf(row);
      for (;;) {
        const component = row.auth === 'component_access_token' ? this.#component(row) : undefined;
        const ctx = buildContext(row, params, state.attempts, { appid: this.appid, secret: this.#options.secret, componentAppid: component?.appid }, baseUrl);
        // Cloud mode: calls from inside WeChat Cloud are authenticated by the platform, no token at all.
        if (row.auth === 'access_token' && (options.accessToken !== undefined || this.options.accessTokenProvider !== undefined || this.tokenMode !== 'cloud')) {
          if (options.accessToken !== undefined) ctx.accessToken = options.accessToken;
          else {
            const token = this.#tokenForCall(options.signal);
            ctx.accessToken = typeof token === 'string' ? token : await token;
          }
        }
        if (component) ctx.accessToken = await component.tokenProvider.get(options.signal);
        for (const m of this.#middleware) {
          const pending = m.onRequest?.(ctx);
          if (pending) await pending;
        }
        if (ctx.accessToken !== undefined) {
          ctx.query[component ? 'component_access_token' : 'access_token'] = ctx.accessToken;
          if (!secrets.includes(ctx.accessToken)) secrets.push(ctx.accessToken);
        }
        // the token wait or a middleware may have used up the deadline: no attempt starts after it
        if (deadline.ms !== undefined && deadline.remaining() <= 0) throw new WechatTimeoutError(row.op, limits.timeoutMs, row.idempotent, undefined, { attempts: state.attempts, deadlineMs: deadline.ms ?? 0 });
        const started = performance.now();
        state.attempts++;
        const bound = deadline.ms === undefined ? { ms: limits.timeoutMs, byDeadline: false } : deadline.attemptTimeout(limits.timeoutMs);
        // the values to scrub from an error, worked out only if there is one
        const known = () => [...secrets, ...this.#book.values()];
        let reply: HttpReply;
        let parsed: ParsedReply;
        try {
          reply = this.#apiSecurity.onReply(
            ctx,
            await sendAttempt(this.#transport, row, ctx, {
              timeoutMs: bound.ms,
              deadlineMs: bound.byDeadline ? deadline.ms : undefined,
              maxBytes: limits.maxBytes,
              signal: options.signal,
              headers: options.headers,
              secrets: known,
            }),
          );
          parsed = parseReply(row.op, row.reply, reply.response, reply.bytes, limits.maxBytes, known);
        } catch (err) {
          const decision = err instanceof WechatTimeoutError && err.deadlineMs !== undefined ? ({ retry: false, why: 'deadline' } as const) : shouldRetry(outcomeOf(err), state);
          this.#logger?.debug({ operation: row.op, path: row.path, error: err instanceof Error ? err.name : 'error', attempt: state.attempts, retry: decision.retry, why: decision.why }, `wechat-tools ${row.op} failed`);
          if (!decision.retry) throw err;
          if (!deadline.allows(decision.delayMs)) throw new WechatTimeoutError(row.op, limits.timeoutMs, row.idempotent, err, { attempts: state.attempts, deadlineMs: deadline.ms ?? 0 });
          state.transientRetries++;
          await this.#pause(row, decision.delayMs, options, err);
          continue;
        }
        if (parsed.kind === 'json') this.#book.addFrom(parsed.json);
        const errcode = parsed.kind === 'json' ? Number(parsed.json['errcode'] ?? 0) || 0 : undefined;
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        this.#logger?.debug({ operation: row.op, method: row.method, path: row.path, status: reply.response.status, errcode, ms: durationMs, attempt: state.attempts }, `wechat-tools ${row.op}`);
        for (const m of this.#middleware) {
          const pending = m.onResponse?.(ctx, { status: reply.response.status, durationMs, errcode });
          if (pending) await pending;
        }

        if (errcode !== undefined && errcode !== 0) {
          const decision = shouldRetry({ kind: 'errcode', errcode }, state);
          // a backoff that does not fit in the deadline: keep this answer (as when the retries run out)
          if (decision.retry && (decision.refreshToken || deadline.allows(decision.delayMs))) {
            if (decision.refreshToken && ctx.accessToken !== undefined) {
              this.#logger?.debug({ operation: row.op, errcode }, 'wechat-tools: token rejected, refreshing once');
              state.tokenRefreshed = true;
              if (component) await component.tokenProvider.invalidate(ctx.accessToken);
              else await this.invalidateAccessToken(ctx.accessToken);
            } else {
              state.transientRetries++;
              await this.#pause(row, decision.delayMs, options, undefined);
            }
            continue;
          }
        }
        const result = shapeResult(row, reply, parsed, secrets);
        if (result.errcode !== 0) {
          if (options.throwOnError ?? this.#options.throwOnError) throw wechatErrorFor({ operation: row.op, errcode: result.errcode, errmsg: result.errmsg });
          return result;
        }
        if (parsed.kind === 'json' && row.reply === 'binary') {
          throw new WechatResponseError(row.op, reply.response.status, reply.response.headers.get('content-type') ?? '', JSON.stringify(parsed.json), 'expected bytes, got JSON without an errcode', undefined, secrets);
        }
        const replyCheck = this.#options.validateResponses ?? 'warn';
        if (spec && parsed.kind === 'json' && replyCheck !== 'off') {
          const loading = checkReply(row, parsed.json, replyCheck, this.#logger);
          if (loading) await loading;
        }
        return result;
      }
    } catch (err) {
      scrubError(err, [...secrets, ...this.#book.values(), ...(await this.#currentToken())]);
      throw err;
    }
  }

  /** The base URL of a row's host, worked out once per host (the options do not change). */
  #baseUrlOf(row: EndpointRow): string {
    const host = row.host ?? '';
    let url = this.#baseUrls.get(host);
    if (url === undefined) this.#baseUrls.set(host, (url = baseUrlFor(row, this.#options, this.tokenMode)));
    return url;
  }

  /** The third-party platform this client acts for (endpoints with auth component_access_token). */
  #component(row: EndpointRow): ComponentAccess {
    const c = this.#options.component;
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

  /** One exchange outside the retry loop (the token service), within timeoutMs, scrubbed like every call. */
  #send(row: EndpointRow, ctx: RequestContext, options: CallOptions = {}): Promise<HttpReply> {
    const limits = callLimits(row, this.#options, options);
    return sendAttempt(this.#transport, row, ctx, { timeoutMs: limits.timeoutMs, maxBytes: limits.maxBytes, signal: options.signal, headers: options.headers, secrets: this.#book.values() });
  }
}
