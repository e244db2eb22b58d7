// A client's own access_token provider: the accessToken seed, the cache (through the client's
// store), one refresh per (cache, appid, mode) in the process, the cross-process lock, and the
// token source: WeChat (stable_token or token) or a central token service (getAccessTokenUrl).
// The client holds one of these (or the user's accessTokenProvider) and nothing else about tokens.
import type { WechatToolsOptions } from '../client/options.js';
import { WechatError, WechatTokenError, WechatToolsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { retryOptions } from '../retry/outcome.js';
import type { WechatResult } from '../core/wechat-data.js';
import { TokenManager, type FetchedToken, type FetchRequest, type TokenStore } from './manager.js';

/** The spec operations that ask WeChat for a token (never the cached one: that is getAccessToken()). */
export const TOKEN_OPERATIONS = { stable: 'requestStableAccessToken', classic: 'requestAccessToken' } as const;

/** What the provider needs from its client. */
export interface TokenHost {
  readonly appid: string;
  readonly options: Readonly<WechatToolsOptions>;
  /** the client's cache as a token store (read at each use: the cache can be swapped) */
  readonly store: TokenStore;
  /** the cache object: refreshes are shared per (this object, key) in the process */
  scope(): object;
  readonly logger: Logger | undefined;
  /** call a spec'd WeChat operation (with the client's retries), errors as results */
  call(operation: string, params: Record<string, unknown>): Promise<WechatResult>;
  /** POST JSON to `url` through the client's transport; the parsed JSON reply (or {}) and the status */
  postJson(operation: string, url: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }>;
}

/** How long a token fetch may take at most: every attempt's timeout and the backoff between them. */
function fetchBoundMs(options: Readonly<WechatToolsOptions>): number {
  const timeout = options.timeoutMs ?? 10_000;
  if (options.getAccessTokenUrl) return timeout + 2000; // one POST, no retry
  const r = retryOptions(options.retry, undefined);
  return timeout * (r.retries + 1) + r.maxDelayMs * r.retries + 2000;
}

/** Shaped like an AccessTokenProvider (invalidate also says whether it dropped the token). */
export class ClientTokens {
  readonly #host: TokenHost;
  readonly #manager: TokenManager;
  readonly #lockTtlMs: number;
  readonly #lockWaitMs: number;
  #seed: string | undefined;
  #seeding: Promise<void> | undefined;

  constructor(host: TokenHost) {
    this.#host = host;
    const o = host.options;
    this.#seed = o.accessToken;
    this.#lockTtlMs = o.tokenLockTtlMs ?? fetchBoundMs(o);
    this.#lockWaitMs = o.tokenLockWaitMs ?? this.#lockTtlMs + 2000;
    if (!(this.#lockTtlMs > 0)) throw new WechatToolsError('options.tokenLockTtlMs must be a positive number of milliseconds');
    if (!(this.#lockWaitMs >= this.#lockTtlMs)) {
      throw new WechatToolsError(`options.tokenLockWaitMs (${o.tokenLockWaitMs}) must be at least the refresh lock's TTL (${this.#lockTtlMs} ms): waiters must outlast the holder`);
    }
    const source = o.getAccessTokenUrl ? 'url' : (o.tokenMode ?? 'stable');
    this.#manager = this.credential(`access_token:${source}`, (req) => this.#fetch(req));
  }

  /** A cached, single-flight credential (the access_token, JS-SDK tickets) under wechat-tools:<kind>:<appid>. */
  credential(kind: string, fetch: (req: FetchRequest) => Promise<FetchedToken>): TokenManager {
    const o = this.#host.options;
    return new TokenManager({
      key: `wechat-tools:${kind}:${this.#host.appid}`,
      store: this.#host.store,
      scope: () => this.#host.scope(),
      fetch,
      lockTtlMs: this.#lockTtlMs,
      lockWaitMs: this.#lockWaitMs,
      ...(this.#host.logger ? { logger: this.#host.logger } : {}),
      ...(o.tokenMarginSeconds === undefined ? {} : { marginSeconds: o.tokenMarginSeconds }),
    });
  }

  /** The cache key of the access_token (per appid and token source). */
  get key(): string {
    return this.#manager.key;
  }

  /** The access_token: from the cache, else fetched (one fetch however many callers wait). */
  async get(signal?: AbortSignal): Promise<string> {
    if (this.#host.options.tokenMode === 'cloud') throw new WechatTokenError("tokenMode 'cloud' has no access_token: WeChat Cloud authenticates the calls");
    await this.#seedOnce();
    if (this.#host.options.passiveAccessToken === false) {
      const cached = await this.#manager.peek();
      if (cached === undefined) throw new WechatTokenError('no access_token: passiveAccessToken is false and none was set (setAccessToken or the accessToken option)');
      return cached;
    }
    return this.#manager.get(signal);
  }

  /** get(), without a promise when the token is at hand (see TokenManager.getNow). */
  getNow(signal?: AbortSignal): string | Promise<string> {
    const o = this.#host.options;
    if (this.#seed !== undefined || this.#seeding !== undefined || o.tokenMode === 'cloud' || o.passiveAccessToken === false) return this.get(signal);
    return this.#manager.getNow(signal);
  }

  /** Compare-and-invalidate: true if `failed` was the cached token and is gone. */
  invalidate(failed: string): Promise<boolean> {
    return this.#manager.invalidate(failed);
  }

  /** The token and the seconds it has left. */
  async withExpiry(): Promise<{ value: string; expiresIn: number }> {
    const value = await this.get();
    const entry = await this.#manager.entry();
    const left = entry && entry.value === value ? Math.floor((entry.expiresAt - Date.now()) / 1000) : 0;
    return { value, expiresIn: Math.max(1, left) };
  }

  async set(token: string, expiresInSeconds: number): Promise<void> {
    this.#seed = undefined;
    await this.#manager.set(token, expiresInSeconds);
  }

  refresh(force: boolean): Promise<string> {
    if (this.#host.options.passiveAccessToken === false) return Promise.reject(new WechatTokenError('refreshAccessToken: passiveAccessToken is false'));
    return this.#manager.refresh(force);
  }

  /** The cached token, never fetched (for exact-value redaction); undefined if none or unreadable. */
  async current(): Promise<string | undefined> {
    try {
      return await this.#manager.peek();
    } catch {
      return undefined;
    }
  }

  /** The accessToken option, written once (unless the cache has a token), shared by concurrent first calls. */
  #seedOnce(): Promise<void> {
    if (this.#seed === undefined) return this.#seeding ?? Promise.resolve();
    this.#seeding ??= (async () => {
      const seed = this.#seed;
      if (seed === undefined) return;
      if ((await this.#manager.peek()) === undefined && this.#seed === seed) await this.#manager.set(seed, 7200);
      if (this.#seed === seed) this.#seed = undefined;
    })().finally(() => {
      this.#seeding = undefined;
    });
    return this.#seeding;
  }

  async #fetch(req: FetchRequest): Promise<FetchedToken> {
    const o = this.#host.options;
    if (o.getAccessTokenUrl) return this.#fromService(o.getAccessTokenUrl, req.failed);
    if (!o.secret) throw new WechatTokenError('cannot fetch an access_token: options.secret is not set');
    const stable = (o.tokenMode ?? 'stable') === 'stable';
    const op = stable ? TOKEN_OPERATIONS.stable : TOKEN_OPERATIONS.classic;
    const r = (await this.#host.call(op, stable ? { force_refresh: req.force } : {})) as WechatResult & { access_token?: unknown; expires_in?: unknown };
    if (r.errcode !== 0) throw new WechatError({ operation: op, errcode: r.errcode, errmsg: r.errmsg });
    const token = r.access_token;
    if (typeof token !== 'string' || token === '') throw new WechatTokenError(`${op}: the reply has no access_token`, { operation: op });
    const expiresIn = r.expires_in;
    return { value: token, expiresIn: typeof expiresIn === 'number' ? expiresIn : 7200 };
  }

  /**
   * The seed's token-service protocol: POST {appid, secret} → {access_token, expires_in}. The secret is
   * left out when there is none (a bearer key in getAccessTokenHeaders authenticates); after WeChat
   * rejected the service's token, `invalid_token` names it, so the service refreshes instead of serving
   * it again.
   */
  async #fromService(url: string, failed: string | undefined): Promise<FetchedToken> {
    const operation = 'getAccessTokenUrl';
    const o = this.#host.options;
    const body: Record<string, unknown> = { appid: this.#host.appid };
    if (o.secret) body['secret'] = o.secret;
    if (failed !== undefined) body['invalid_token'] = failed;
    const { status, json } = await this.#host.postJson(operation, url, body, { ...(o.getAccessTokenHeaders ?? {}) });
    if (typeof json['errcode'] === 'number' && json['errcode'] !== 0) {
      throw new WechatError({ operation, errcode: json['errcode'], errmsg: String(json['errmsg'] ?? '') });
    }
    if (typeof json['access_token'] !== 'string' || json['access_token'] === '') {
      throw new WechatTokenError(`${operation}: the token service answered HTTP ${status} without an access_token`, { operation });
    }
    return { value: json['access_token'], expiresIn: typeof json['expires_in'] === 'number' ? json['expires_in'] : 7200 };
  }
}
