// OpenPlatform: a WeChat third-party platform (第三方平台). It is itself a client of the platform's
// endpoints (spec/component/**, component_access_token), keeps the platform's tokens in the shared
// cache, and hands out ordinary MPTools / OATools acting for each authorizer with a token provider
// instead of an AppSecret. Token machinery is the app tokens' (TokenManager: cache → fetch,
// single-flight in process and across processes on Redis, compare-and-invalidate, margin).
import { inspect } from 'node:util';
import type { OpenPlatformMethods, OpenPlatformOperations, GetAuthorizerRefreshTokenResponse } from '../../generated/types.js';
import type { CallOptions } from '../core/call-options.js';
import { WechatError, WechatToolsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { safeLogger } from '../core/logger.js';
import { redactValue } from '../core/redact.js';
import type { WechatData } from '../core/wechat-data.js';
import type { WechatResult } from '../core/wechat-data.js';
import { bindEndpointMethods } from '../client/bind.js';
import { MPTools } from '../client/mp-tools.js';
import { OATools } from '../client/oa-tools.js';
import type { ComponentAccess, WechatToolsOptions } from '../client/options.js';
import { WechatClient } from '../client/wechat-client.js';
import { WechatCrypto } from '../push/crypto.js';
import { isCachedToken, type TokenCache } from '../token/cache.js';
import type { TokenManager } from '../token/manager.js';
import type { AccessTokenProvider } from '../token/provider.js';
import { createComponentPushHandler, type ComponentPushHandler, type OnComponentEvent } from './auth-push.js';
import { platformAuthorizeUrl, type PlatformAuthorizeUrlOptions } from './authorize-url.js';
import { WechatAuthorizationRequiredError, WechatComponentTicketError } from './errors.js';
import { authorizerTokenKey, authorizerTokenKind, COMPONENT_TOKEN_KIND, isStoredRefreshToken, refreshTokenKey, ticketKey, TICKET_TTL_MS, type StoredRefreshToken } from './keys.js';
import { createAuthorizerMessageHandler, type MessageHandlerOptions, type OnAuthorizerMessage } from './message-push.js';

export interface OpenPlatformOptions
  extends Pick<WechatToolsOptions, 'cache' | 'baseUrl' | 'hosts' | 'fetch' | 'logger' | 'debug' | 'timeoutMs' | 'retry' | 'tokenMarginSeconds' | 'throwOnError' | 'validateParams' | 'validateResponses' | 'middleware' | 'maxResponseBytes'> {
  /** the platform's AppID (第三方平台 appid) */
  componentAppid: string;
  /** the platform's AppSecret */
  componentSecret: string;
  /** the message verification Token (消息校验Token) */
  token: string;
  /** the 43-character message encryption key (消息加解密Key) */
  encodingAESKey: string;
  /** largest push body accepted (default 1 MiB) */
  maxPushBodyBytes?: number;
  /** authorizer clients kept in memory (least recently used dropped beyond; default 1000) */
  maxAuthorizerClients?: number;
  /**
   * Your durable store of authorizer refresh tokens (a database): save() is called whenever a new one is
   * stored (queryAuth, a rotation by WeChat), load() when the cache has none (a flushed or new Redis),
   * delete() when the authorization is revoked. The cache stays the source the servers share.
   */
  refreshTokenStore?: AuthorizerRefreshTokenStore;
}

export interface AuthorizerRefreshTokenStore {
  load(authorizerAppid: string): Promise<string | undefined> | string | undefined;
  save(authorizerAppid: string, refreshToken: string): Promise<void> | void;
  delete?(authorizerAppid: string): Promise<void> | void;
}

type Args<K extends keyof OpenPlatformOperations> = OpenPlatformOperations[K]['required'] extends true
  ? [params: OpenPlatformOperations[K]['params'], options?: CallOptions]
  : [params?: OpenPlatformOperations[K]['params'], options?: CallOptions];

export type AuthorizationInfo = GetAuthorizerRefreshTokenResponse['authorization_info'];

export interface OpenPlatform extends OpenPlatformMethods {
  /** Call a platform operation by name, typed. */
  call<K extends keyof OpenPlatformOperations>(operation: K, ...args: Args<K>): Promise<WechatData<OpenPlatformOperations[K]['response']>>;
}

/** The object itself, whose JSON.stringify and util.inspect show its tokens redacted. */
function redactedView<T extends object>(value: T): T {
  const out = { ...value };
  Object.defineProperty(out, 'toJSON', { value: () => redactValue(value), enumerable: false });
  Object.defineProperty(out, inspect.custom, { value: () => redactValue(value), enumerable: false });
  return out;
}

/** Errcodes of api_authorizer_token that mean the refresh token is gone for good. */
const REAUTHORIZE = new Set([61003, 61023]);

export class OpenPlatform extends WechatClient {
  readonly platform = 'component' as const;
  readonly componentAppid: string;
  readonly #secrets: { token: string; encodingAESKey: string };
  readonly #crypto: WechatCrypto;
  readonly #opts: OpenPlatformOptions;
  readonly #componentTokens: TokenManager;
  readonly #componentAccess: ComponentAccess;
  readonly #authorizers = new Map<string, TokenManager>();
  readonly #clients = new Map<string, MPTools | OATools>();
  readonly #log: Logger | undefined;

  constructor(options: OpenPlatformOptions) {
    if (!options || typeof options.componentAppid !== 'string' || options.componentAppid === '') throw new WechatToolsError('OpenPlatform: options.componentAppid is required');
    if (typeof options.componentSecret !== 'string' || options.componentSecret === '') throw new WechatToolsError('OpenPlatform: options.componentSecret is required');
    if (typeof options.token !== 'string' || options.token === '') throw new WechatToolsError('OpenPlatform: options.token (消息校验Token) is required');
    if (typeof options.encodingAESKey !== 'string' || options.encodingAESKey.length !== 43) throw new WechatToolsError('OpenPlatform: options.encodingAESKey (消息加解密Key) is required: 43 characters');
    // The platform's own token provider, bound once the object exists.
    const self: { op?: OpenPlatform } = {};
    const provider: AccessTokenProvider = {
      get: () => (self.op as OpenPlatform).#componentTokens.get(),
      invalidate: async (failed) => {
        await (self.op as OpenPlatform).#componentTokens.invalidate(failed);
      },
    };
    const { componentAppid, componentSecret, token: _t, encodingAESKey: _k, maxPushBodyBytes: _m, maxAuthorizerClients: _c, refreshTokenStore: _r, ...client } = options;
    const access: ComponentAccess = { appid: componentAppid, tokenProvider: provider };
    super({ ...client, appid: componentAppid, secret: componentSecret, accessTokenProvider: provider, component: access });
    self.op = this;
    this.componentAppid = componentAppid;
    this.#componentAccess = access;
    this.#opts = options;
    this.#secrets = { token: options.token, encodingAESKey: options.encodingAESKey };
    this.#crypto = new WechatCrypto({ token: options.token, encodingAESKey: options.encodingAESKey, appid: componentAppid });
    this.#log = options.logger ? safeLogger(options.logger) : undefined;
    this.#componentTokens = this.#manager(COMPONENT_TOKEN_KIND, () => this.#fetchComponentToken());
  }

  /** A token on the client's token machinery (shared cache, lock TTL and wait, margin) under wechat-tools:<kind>:<componentAppid>. */
  #manager(kind: string, fetch: () => Promise<{ value: string; expiresIn: number }>): TokenManager {
    return this.cachedCredential(kind, () => fetch());
  }

  // ---- component_verify_ticket and component_access_token ----

  /** Store a verified component_verify_ticket (the push handler does this; for tickets you receive elsewhere). */
  async setComponentVerifyTicket(ticket: string): Promise<void> {
    if (typeof ticket !== 'string' || ticket === '') throw new WechatToolsError('setComponentVerifyTicket: the ticket is empty');
    await this.setCache(ticketKey(this.componentAppid), { value: ticket, expiresAt: Date.now() + TICKET_TTL_MS }, TICKET_TTL_MS);
  }

  async #ticket(): Promise<string | undefined> {
    const v = await this.getCache(ticketKey(this.componentAppid));
    return isCachedToken(v) && v.value !== '' ? v.value : undefined;
  }

  async #fetchComponentToken(): Promise<{ value: string; expiresIn: number }> {
    const ticket = await this.#ticket();
    if (ticket === undefined) throw new WechatComponentTicketError(this.componentAppid);
    const r = (await this.call('getComponentAccessToken', { component_verify_ticket: ticket }, { throwOnError: false })) as WechatResult & { component_access_token?: string; expires_in?: number };
    if (r.errcode === 61005 || r.errcode === 61006) throw new WechatComponentTicketError(this.componentAppid, r.errcode);
    if (r.errcode !== 0) throw new WechatError({ operation: 'getComponentAccessToken', errcode: r.errcode, errmsg: r.errmsg });
    if (!r.component_access_token) throw new WechatToolsError('getComponentAccessToken: the reply has no component_access_token', { operation: 'getComponentAccessToken' });
    return { value: r.component_access_token, expiresIn: r.expires_in ?? 7200 };
  }

  /** The component_access_token: cached in the shared cache, one fetch across processes. */
  getComponentAccessToken(): Promise<string> {
    return this.#componentTokens.get();
  }

  /** This client's token is the component_access_token: cache it (e.g. one obtained elsewhere). */
  override async setAccessToken(token: string, expiresInSeconds = 7200): Promise<void> {
    await this.#componentTokens.set(token, expiresInSeconds);
  }

  /** Fetch a new component_access_token now (the cached one is dropped first). */
  override async refreshAccessToken(): Promise<string> {
    const current = await this.#componentTokens.peek();
    if (current !== undefined) await this.#componentTokens.invalidate(current);
    return this.#componentTokens.refresh(false);
  }

  // ---- authorization ----

  /** The authorization page for a merchant (a new pre_auth_code each time, valid 10 minutes). */
  async getAuthorizeUrl(options: PlatformAuthorizeUrlOptions): Promise<string> {
    platformAuthorizeUrl(this.componentAppid, 'check', options); // bad options fail before any request
    const r = await this.call('getPreAuthCode', {}, { throwOnError: true });
    return platformAuthorizeUrl(this.componentAppid, String((r as WechatResult & { pre_auth_code?: string }).pre_auth_code), options);
  }

  /**
   * Exchange an authorization code (the redirect's auth_code, or an authorized event's
   * AuthorizationCode) for the authorization info; stores the authorizer's refresh token (and its
   * access token) in the shared cache. Throws WechatError when WeChat refuses.
   */
  async queryAuth(authorizationCode: string, options: CallOptions = {}): Promise<AuthorizationInfo> {
    const r = await this.call('getAuthorizerRefreshToken', { authorization_code: authorizationCode }, { ...options, throwOnError: true });
    if (!r.ok) throw new WechatError({ operation: 'getAuthorizerRefreshToken', errcode: r.errcode, errmsg: r.errmsg });
    const info = r.authorization_info;
    if (info.authorizer_refresh_token) await this.setAuthorizerRefreshToken(info.authorizer_appid, info.authorizer_refresh_token);
    if (info.authorizer_access_token) await this.#authorizer(info.authorizer_appid).set(info.authorizer_access_token, info.expires_in ?? 7200);
    return redactedView(info);
  }

  /** Store an authorizer's refresh token (e.g. from your database at start-up, or after queryAuth elsewhere). */
  async setAuthorizerRefreshToken(authorizerAppid: string, refreshToken: string): Promise<void> {
    if (typeof authorizerAppid !== 'string' || authorizerAppid === '') throw new WechatToolsError('setAuthorizerRefreshToken: authorizerAppid is required');
    if (typeof refreshToken !== 'string' || refreshToken === '') throw new WechatToolsError('setAuthorizerRefreshToken: the refresh token is empty');
    await this.#storeRefreshToken(authorizerAppid, refreshToken);
    await this.#opts.refreshTokenStore?.save(authorizerAppid, refreshToken);
  }

  async #storeRefreshToken(authorizerAppid: string, refreshToken: string): Promise<void> {
    const stored: StoredRefreshToken = { value: refreshToken, updatedAt: Date.now() };
    await this.setCache(refreshTokenKey(this.componentAppid, authorizerAppid), stored);
  }

  /** The stored refresh token of an authorizer (to persist it in your database), or undefined. */
  async getStoredAuthorizerRefreshToken(authorizerAppid: string): Promise<string | undefined> {
    const v = await this.getCache(refreshTokenKey(this.componentAppid, authorizerAppid));
    return isStoredRefreshToken(v) ? v.value : undefined;
  }

  /** Forget an authorizer's tokens (the unauthorized event does this): later calls throw WechatAuthorizationRequiredError. */
  async removeAuthorizer(authorizerAppid: string): Promise<void> {
    await this.deleteCache(refreshTokenKey(this.componentAppid, authorizerAppid));
    await this.deleteCache(authorizerTokenKey(this.componentAppid, authorizerAppid));
    await this.#opts.refreshTokenStore?.delete?.(authorizerAppid);
  }

  /** The authorizer_access_token of an authorizer: cache → refresh with its refresh token (single-flight per authorizer, across processes). */
  getAuthorizerAccessToken(authorizerAppid: string): Promise<string> {
    return this.#authorizer(authorizerAppid).get();
  }

  #authorizer(appid: string): TokenManager {
    if (typeof appid !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(appid)) throw new WechatToolsError(`OpenPlatform: "${String(appid).slice(0, 64)}" is not an authorizer appid`);
    let m = this.#authorizers.get(appid);
    if (!m) {
      m = this.#manager(authorizerTokenKind(appid), () => this.#refreshAuthorizer(appid));
      this.#authorizers.set(appid, m);
    }
    return m;
  }

  async #refreshAuthorizer(appid: string, retried = false): Promise<{ value: string; expiresIn: number }> {
    const key = refreshTokenKey(this.componentAppid, appid);
    let stored = await this.getCache(key);
    if (!isStoredRefreshToken(stored) && this.#opts.refreshTokenStore) {
      // The cache lost it (flushed, a new Redis): the durable copy, if you keep one.
      const durable = await this.#opts.refreshTokenStore.load(appid);
      if (typeof durable === 'string' && durable !== '') {
        await this.#storeRefreshToken(appid, durable);
        stored = await this.getCache(key);
      }
    }
    if (!isStoredRefreshToken(stored)) throw new WechatAuthorizationRequiredError(appid, 'no authorizer_refresh_token is stored: it was never set, or the authorization was revoked');
    const r = (await this.call('getAuthorizerAccessToken', { authorizer_appid: appid, authorizer_refresh_token: stored.value }, { throwOnError: false })) as WechatResult & {
      authorizer_access_token?: string;
      authorizer_refresh_token?: string;
      expires_in?: number;
    };
    if (REAUTHORIZE.has(r.errcode)) {
      // Drop it only if it is still the one WeChat refused; if another process stored a new one meanwhile
      // (it refreshed and WeChat rotated the token), use that one instead, once.
      const now = await this.getCache(key);
      if (isStoredRefreshToken(now) && now.value !== stored.value && !retried) return this.#refreshAuthorizer(appid, true);
      if (isStoredRefreshToken(now) && now.value === stored.value) {
        await this.deleteCache(key);
        await this.#opts.refreshTokenStore?.delete?.(appid);
      }
      throw new WechatAuthorizationRequiredError(appid, `WeChat refused its refresh token: errcode ${r.errcode}`, r.errcode);
    }
    if (r.errcode !== 0) throw new WechatError({ operation: 'getAuthorizerAccessToken', errcode: r.errcode, errmsg: r.errmsg });
    if (!r.authorizer_access_token) throw new WechatToolsError('getAuthorizerAccessToken: the reply has no authorizer_access_token', { operation: 'getAuthorizerAccessToken' });
    // WeChat may rotate the refresh token: keep the new one (this runs under the refresh lock).
    if (r.authorizer_refresh_token && r.authorizer_refresh_token !== stored.value) await this.setAuthorizerRefreshToken(appid, r.authorizer_refresh_token);
    return { value: r.authorizer_access_token, expiresIn: r.expires_in ?? 7200 };
  }

  #provider(appid: string): AccessTokenProvider {
    const m = this.#authorizer(appid);
    return {
      get: () => m.get(),
      invalidate: async (failed) => {
        await m.invalidate(failed);
      },
    };
  }

  #clientOptions(appid: string): WechatToolsOptions {
    const { componentAppid: _a, componentSecret: _s, token: _t, encodingAESKey: _k, maxPushBodyBytes: _m, maxAuthorizerClients: _c, refreshTokenStore: _r, ...shared } = this.#opts;
    return { ...shared, appid, accessTokenProvider: this.#provider(appid), component: this.#componentAccess };
  }

  #client<T extends MPTools | OATools>(kind: string, appid: string, make: () => T): T {
    const key = `${kind}:${appid}`;
    const found = this.#clients.get(key);
    if (found) {
      this.#clients.delete(key); // most recently used last
      this.#clients.set(key, found);
      return found as T;
    }
    const made = make();
    this.#clients.set(key, made);
    const max = this.#opts.maxAuthorizerClients ?? 1000;
    while (this.#clients.size > max) this.#clients.delete(this.#clients.keys().next().value as string);
    return made;
  }

  /** An MPTools acting for this authorizer's Mini Program (authorizer_access_token; code2Session via the platform). */
  miniProgram(authorizerAppid: string): MPTools {
    this.#authorizer(authorizerAppid);
    return this.#client('mp', authorizerAppid, () => new MPTools(this.#clientOptions(authorizerAppid)));
  }

  /** An OATools acting for this authorizer's Official Account (authorizer_access_token; web OAuth via the platform). */
  officialAccount(authorizerAppid: string, options: { redirectUri?: string } = {}): OATools {
    this.#authorizer(authorizerAppid);
    if (options.redirectUri !== undefined) return new OATools({ ...this.#clientOptions(authorizerAppid), redirectUri: options.redirectUri });
    return this.#client('oa', authorizerAppid, () => new OATools(this.#clientOptions(authorizerAppid)));
  }

  // ---- pushes ----

  /** The 授权事件接收URL handler: verify ticket (stored for every server sharing the cache), authorization events. */
  pushHandler(onEvent?: OnComponentEvent): ComponentPushHandler {
    return createComponentPushHandler(
      {
        crypto: this.#crypto,
        onTicket: (ticket) => this.setComponentVerifyTicket(ticket),
        onUnauthorized: (appid) => this.removeAuthorizer(appid),
        logger: this.#log,
        maxBodyBytes: this.#opts.maxPushBodyBytes ?? 1024 * 1024,
        dedupe: { cache: this.#cacheForDedupe(), ttlMs: 60_000, componentAppid: this.componentAppid },
      },
      onEvent,
    );
  }

  /** The 消息与事件接收URL handler: messages to every authorizer, decrypted with the platform's key. */
  messageHandler(onMessage: OnAuthorizerMessage, options: MessageHandlerOptions = {}): ComponentPushHandler {
    return createAuthorizerMessageHandler(
      {
        token: this.#secrets.token,
        encodingAESKey: this.#secrets.encodingAESKey,
        appid: this.componentAppid,
        ...(this.#opts.maxPushBodyBytes === undefined ? {} : { maxBodyBytes: this.#opts.maxPushBodyBytes }),
        ...(this.#opts.logger ? { logger: this.#opts.logger } : {}),
      },
      onMessage,
      options.dedupe === undefined ? { ...options, dedupe: { cache: this.#cacheForDedupe() } } : options,
    );
  }

  #cacheForDedupe(): TokenCache {
    return { get: (k) => this.getCache(k), set: (k, v, ttl) => this.setCache(k, v, ttl), delete: (k) => this.deleteCache(k) };
  }

  // ---- no secret in inspect / JSON ----

  toJSON(): Record<string, unknown> {
    return { type: 'OpenPlatform', componentAppid: this.componentAppid };
  }

  [inspect.custom](): string {
    return `OpenPlatform { componentAppid: '${this.componentAppid}' }`;
  }
}

bindEndpointMethods(OpenPlatform.prototype, 'component');
