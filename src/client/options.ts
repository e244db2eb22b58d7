// Client options, in the seed's names (camelCase).
import type { Logger } from '../core/logger.js';
import type { TokenCache } from '../token/cache.js';
import type { AccessTokenProvider } from '../token/provider.js';
import type { FetchLike } from '../http/transport.js';
import type { Middleware } from './middleware.js';
import type { ExtraEndpoints } from './extend.js';
import type { RetryOptions } from '../retry/policy.js';
import type { XpayOptions } from '../sign/xpay.js';
import type { ApiSecurityOptions } from '../sign/api-security.js';

/** stable: POST /cgi-bin/stable_token · classic: GET /cgi-bin/token · cloud: no token (WeChat Cloud's open-API service) */
export type TokenMode = 'stable' | 'classic' | 'cloud';

/** A third-party platform's identity, as the clients acting for its authorizers see it. */
export interface ComponentAccess {
  /** the platform's component_appid */
  appid: string;
  /** its component_access_token (cache → refresh, single-flight, compare-and-invalidate) */
  tokenProvider: AccessTokenProvider;
}

export interface WechatToolsOptions {
  /** The app's AppID (wx…) */
  appid: string;
  /** The AppSecret; needed to fetch tokens and for endpoints that take app credentials */
  secret?: string | undefined;
  /** debug-level logging (operation, path, status, time; never a secret) */
  debug?: boolean | undefined;
  /** Fetch, cache and refresh the access_token by itself (default true). false: never fetch one. */
  passiveAccessToken?: boolean | undefined;
  /**
   * Where the access_token comes from, instead of the client's own fetching (cache → WeChat or
   * getAccessTokenUrl): e.g. a third-party platform's authorizer token. No secret is needed then;
   * token errors call provider.invalidate(failed) and the call is retried once.
   */
  accessTokenProvider?: AccessTokenProvider | undefined;
  /**
   * Acting for a third-party platform (set by OpenPlatform.miniProgram / officialAccount): endpoints
   * with auth component_access_token take the platform's token and appid from here, and operations
   * with a componentVariant in their spec (code2Session, web OAuth) call that variant instead.
   */
  component?: ComponentAccess | undefined;
  /** Start with this access_token (cached for 7200 s unless it fails) */
  accessToken?: string | undefined;
  /**
   * Central token service: POST {appid, secret} → {access_token, expires_in}; replaces WeChat as the
   * token source. No secret is needed when getAccessTokenHeaders authenticates (the body is then
   * {appid}). After WeChat rejects its token (40001/40014/42001) the client POSTs again with
   * `invalid_token: <that token>` so the service refreshes it.
   */
  getAccessTokenUrl?: string | undefined;
  /** Extra headers for getAccessTokenUrl (e.g. { authorization: 'Bearer …' }) */
  getAccessTokenHeaders?: Record<string, string> | undefined;
  /** Token cache: { get(key), set(key, value, ttlMs?), delete?(key) }, sync or async; Keyv and cache-manager fit. Default: in memory. */
  cache?: TokenCache | undefined;
  /**
   * 'stable' = POST /cgi-bin/stable_token (default) | 'classic' = GET /cgi-bin/token | 'cloud' = no token:
   * inside WeChat Cloud hosting, calls to http://api.weixin.qq.com are authenticated by the platform
   * (enable the open-API service and list the APIs in the console).
   */
  tokenMode?: TokenMode | undefined;
  /** Seconds before WeChat's expiry to stop using a cached token (default 300, at most half its life) */
  tokenMarginSeconds?: number | undefined;
  /**
   * With a cache that has a lock (RedisCache): how long one process may hold the token refresh lock.
   * Default: the token fetch's own bound (timeoutMs × (retries + 1) + backoff + 2 s; 38 s with the
   * defaults), so a slow fetch never lets a second process refresh too. A holder that dies frees it by expiry.
   */
  tokenLockTtlMs?: number | undefined;
  /** How long the other processes wait for the holder's token (default tokenLockTtlMs + 2 s; never less than the TTL) */
  tokenLockWaitMs?: number | undefined;
  /** default https://api.weixin.qq.com */
  baseUrl?: string | undefined;
  /** Other hosts: mp = https://mp.weixin.qq.com (showqrcode). Default: baseUrl when baseUrl is set, else WeChat's. */
  hosts?: { mp?: string | undefined } | undefined;
  /** default globalThis.fetch, resolved at call time */
  fetch?: FetchLike | undefined;
  /** pino-like logger (debug/info/warn/error) */
  logger?: Logger | undefined;
  /**
   * Timeout of one attempt, from sending the request to the last byte of the reply (default 10 000 ms).
   * Per attempt: with retries a call can take longer; bound the whole call with deadlineMs.
   */
  timeoutMs?: number | undefined;
  /**
   * Total deadline of a call: every attempt, every backoff pause between them (default none: the
   * retries' count bounds it). An attempt gets timeoutMs or what is left, whichever is shorter; when the
   * deadline runs out the call throws WechatTimeoutError with `deadlineMs` set. The wait for an
   * access_token fetched for the call is bounded by that fetch's own timeoutMs and retries.
   */
  deadlineMs?: number | undefined;
  /** largest reply accepted (default 8 MiB for JSON endpoints, 64 MiB for media); reading stops there */
  maxResponseBytes?: number | undefined;
  /** throw WechatError when errcode ≠ 0 (default false: return the WechatData) */
  throwOnError?: boolean | undefined;
  /** check params against the spec before any request (default true) */
  validateParams?: boolean | undefined;
  /** check replies against the spec: 'warn' (default) logs a mismatch once per operation, 'throw', or 'off'; extra fields are always kept */
  validateResponses?: 'warn' | 'throw' | 'off' | undefined;
  /**
   * Retries of transient failures (-1, HTTP 5xx, connection reset/refused, timeout), with exponential
   * backoff and jitter: only for operations safe to repeat (a send is never repeated once it may have
   * reached WeChat; a refused connection never reached it). Default { retries: 2, minDelayMs: 300,
   * maxDelayMs: 3000 }; false turns them off. Token errors are always refreshed and retried once.
   */
  retry?: RetryOptions | false | undefined;
  /** Virtual payment AppKeys (production, sandbox): the client computes pay_sig with them; never logged or serialized */
  xpay?: XpayOptions | undefined;
  /**
   * API security keys (服务端 API 签名加密, the Mini Program admin's "API 安全"): endpoints whose spec
   * supports it are then sent encrypted and signed, and their replies verified and decrypted. Never logged or serialized.
   */
  apiSecurity?: ApiSecurityOptions | undefined;
  /** Request middleware, run in order (plain objects: onRequest / onResponse) */
  middleware?: Middleware[] | undefined;
  /**
   * Endpoints from your own specs (`extraEndpoints` of the module `wechat-tools generate --specs DIR --out DIR`
   * writes): callable with call(name), validated and retried like the built-in ones. For typed methods use
   * MPTools.extend(extraEndpoints) / OATools.extend(extraEndpoints).
   */
  endpoints?: ExtraEndpoints | undefined;
}
