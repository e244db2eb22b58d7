// Client options, in the seed's names (camelCase).
import type { Logger } from '../core/logger.js';
import type { TokenCache } from '../token/cache.js';
import type { FetchLike } from '../http/transport.js';
import type { Middleware } from './middleware.js';
import type { RetryOptions } from '../retry/policy.js';

/** stable: POST /cgi-bin/stable_token · classic: GET /cgi-bin/token · cloud: no token (WeChat Cloud's open-API service) */
export type TokenMode = 'stable' | 'classic' | 'cloud';

export interface WechatToolsOptions {
  /** The app's AppID (wx…) */
  appid: string;
  /** The AppSecret; needed to fetch tokens and for endpoints that take app credentials */
  secret?: string | undefined;
  /** debug-level logging (operation, path, status, time; never a secret) */
  debug?: boolean | undefined;
  /** Fetch, cache and refresh the access_token by itself (default true). false: never fetch one. */
  passiveAccessToken?: boolean | undefined;
  /** Start with this access_token (cached for 7200 s unless it fails) */
  accessToken?: string | undefined;
  /** Central token service: POST {appid, secret} → {access_token, expires_in}; replaces WeChat as the token source */
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
  /** default https://api.weixin.qq.com */
  baseUrl?: string | undefined;
  /** Other hosts: mp = https://mp.weixin.qq.com (showqrcode). Default: baseUrl when baseUrl is set, else WeChat's. */
  hosts?: { mp?: string | undefined } | undefined;
  /** default globalThis.fetch, resolved at call time */
  fetch?: FetchLike | undefined;
  /** pino-like logger (debug/info/warn/error) */
  logger?: Logger | undefined;
  /** per-request timeout (default 10 000 ms) */
  timeoutMs?: number | undefined;
  /** largest reply accepted (default 8 MiB for JSON endpoints, 64 MiB for media) */
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
  /** Request middleware, run in order (plain objects: onRequest / onResponse) */
  middleware?: Middleware[] | undefined;
}
