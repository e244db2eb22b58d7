// OATools: the Official Account client. Its endpoint methods come from the generated table; the
// web OAuth authorize URL is built here (a browser redirect, not an API call).
import type { OAToolsMethods, OAToolsOperations, OAToolsPaginated } from '../../generated/types.js';
import type { PageIterator, PaginateArgs } from './paginate.js';
import type { CallOptions } from '../core/call-options.js';
import type { WechatData } from '../core/wechat-data.js';
import type { GetWebAccessTokenResponse } from '../../generated/types.js';
import { WechatError, WechatTokenError } from '../core/errors.js';
import { jsSdkSignature, nonceStr, type JsSdkConfig, type JsSdkConfigOptions } from '../jssdk/signature.js';
import { authorizeUrl, qrConnectUrl, type AuthorizeUrlOptions } from '../oauth/authorize-url.js';
import { isWebUserTokens, REFRESH_TOKEN_LIFE_MS, saveWebTokens, webTokenKey, WechatReauthorizeError, type WebUserTokens } from '../oauth/web-tokens.js';
import type { TokenManager } from '../token/manager.js';
import { bindEndpointMethods } from './bind.js';
import type { WechatToolsOptions } from './options.js';
import type { ExtraEndpoints, ExtraTypes, WithExtraEndpoints } from './extend.js';
import { WechatClient } from './wechat-client.js';

export interface OAToolsOptions extends WechatToolsOptions {
  /** Default redirect_uri of the web OAuth authorize URL */
  redirectUri?: string | undefined;
}

type Args<K extends keyof OAToolsOperations> = OAToolsOperations[K]['required'] extends true
  ? [params: OAToolsOperations[K]['params'], options?: CallOptions]
  : [params?: OAToolsOperations[K]['params'], options?: CallOptions];

export interface OATools extends OAToolsMethods {
  /** Call an operation by name, typed. */
  call<K extends keyof OAToolsOperations>(operation: K, ...args: Args<K>): Promise<WechatData<OAToolsOperations[K]['response']>>;
  /** Page through a list endpoint, typed: iterate for the items (typed from the reply schema), `.pages()` for the replies. */
  paginate<K extends keyof OAToolsPaginated>(operation: K, ...args: PaginateArgs<OAToolsPaginated[K]>): PageIterator<OAToolsPaginated[K]['item'], WechatData<OAToolsPaginated[K]['response']>>;
}

export class OATools extends WechatClient {
  readonly platform = 'oa' as const;
  readonly redirectUri: string | undefined;
  constructor(options: OAToolsOptions) {
    super(options);
    this.redirectUri = options.redirectUri;
    this.bindExtraEndpoints();
  }

  /**
   * A factory of clients with your own endpoints (the `extraEndpoints` that `wechat-tools generate --specs DIR --out DIR`
   * writes): their typed methods and `call()` by name, validated, token-managed and retried like the built-in ones.
   */
  static extend<T extends ExtraTypes>(endpoints: ExtraEndpoints<T>): (options: OAToolsOptions) => WithExtraEndpoints<OATools, T, 'oa'> {
    return (options) => new OATools({ ...options, endpoints }) as WithExtraEndpoints<OATools, T, 'oa'>;
  }

  /**
   * The web OAuth (网页授权) page to send the user to:
   * `https://open.weixin.qq.com/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…&state=…#wechat_redirect`
   * (parameters in the order WeChat requires).
   */
  getAuthorizeUrl(options: AuthorizeUrlOptions): string {
    return authorizeUrl(this.appid, this.redirectUri, options, this.options.component?.appid);
  }

  /** Website QR login (snsapi_login): `https://open.weixin.qq.com/connect/qrconnect?…#wechat_redirect`. */
  getQrConnectUrl(options: { state?: string; redirectUri?: string } = {}): string {
    return qrConnectUrl(this.appid, this.redirectUri, options);
  }

  // ---- web OAuth user tokens, per openid, in the client's cache ----

  /**
   * Exchange the authorize page's code for the user's tokens (getWebAccessToken) and keep them under
   * the user's openid, so that getUserAccessToken(openid) works later. Returns the WechatData.
   */
  async loginWithCode(code: string, options?: CallOptions): Promise<WechatData<GetWebAccessTokenResponse>> {
    const r = await this.getWebAccessToken({ code }, options);
    if (r.ok) await this.#saveUserTokens(r);
    return r;
  }

  /**
   * A valid web access_token of this user: the cached one, or refreshed with the refresh_token
   * (valid 30 days). Throws WechatReauthorizeError when the user must authorize again.
   */
  async getUserAccessToken(openid: string): Promise<string> {
    const cached = await this.getCache(webTokenKey(this.appid, openid));
    if (!isWebUserTokens(cached)) throw new WechatReauthorizeError(openid, 'no tokens stored for this openid');
    if (cached.expiresAt > Date.now() + 60_000) return cached.access_token;
    if (cached.refreshExpiresAt <= Date.now()) throw new WechatReauthorizeError(openid, 'the refresh_token expired');
    const r = await this.refreshWebAccessToken({ refresh_token: cached.refresh_token });
    if (!r.ok) {
      if (r.errcode === 42002 || r.errcode === 40030) throw new WechatReauthorizeError(openid, `refresh refused: errcode ${r.errcode}`);
      throw new WechatError({ operation: 'refreshWebAccessToken', errcode: r.errcode, errmsg: r.errmsg });
    }
    const saved = await this.#saveUserTokens({ ...r, unionid: cached.unionid });
    return saved.access_token;
  }

  async #saveUserTokens(r: { access_token?: string; refresh_token?: string; openid?: string; scope?: string; expires_in?: number; unionid?: string | undefined }): Promise<WebUserTokens> {
    if (!r.access_token || !r.refresh_token || !r.openid) throw new WechatTokenError('web OAuth reply without access_token, refresh_token or openid', { operation: 'getWebAccessToken' });
    const tokens: WebUserTokens = {
      openid: r.openid,
      access_token: r.access_token,
      refresh_token: r.refresh_token,
      scope: r.scope ?? '',
      expiresAt: Date.now() + (r.expires_in ?? 7200) * 1000,
      refreshExpiresAt: Date.now() + REFRESH_TOKEN_LIFE_MS,
      ...(r.unionid ? { unionid: r.unionid } : {}),
    };
    await saveWebTokens(this.tokenStore, this.appid, tokens);
    return tokens;
  }

  // ---- JS-SDK ----

  #tickets = new Map<string, TokenManager>();

  #ticket(type: 'jsapi' | 'wx_card'): TokenManager {
    let m = this.#tickets.get(type);
    if (!m) {
      m = this.cachedCredential(`ticket:${type}`, async () => {
        const r = await this.getTicket({ type });
        if (!r.ok || !r.ticket) throw new WechatError({ operation: 'getTicket', errcode: r.errcode || -2, errmsg: r.errmsg || 'no ticket in the reply' });
        return { value: r.ticket, expiresIn: r.expires_in ?? 7200 };
      });
      this.#tickets.set(type, m);
    }
    return m;
  }

  /** The JS-SDK ticket (jsapi, or wx_card): cached per appid like the access_token, one fetch at a time. */
  getJsApiTicket(type: 'jsapi' | 'wx_card' = 'jsapi'): Promise<string> {
    return this.#ticket(type).get();
  }

  /** Drop the cached ticket if it is still `ticket` (WeChat said it is invalid) and fetch a new one. */
  async refreshJsApiTicket(type: 'jsapi' | 'wx_card' = 'jsapi', failed?: string): Promise<string> {
    const m = this.#ticket(type);
    if (failed === undefined) return m.refresh(true);
    await m.invalidate(failed);
    return m.get();
  }

  /** The object for `wx.config(…)`: appId, timestamp, nonceStr, signature (the URL's #fragment dropped), lists. */
  async getJsSdkConfig(options: JsSdkConfigOptions): Promise<JsSdkConfig> {
    const ticket = await this.getJsApiTicket('jsapi');
    const timestamp = Math.floor(Date.now() / 1000);
    const nonce = nonceStr();
    return {
      debug: options.debug ?? false,
      appId: this.appid,
      timestamp,
      nonceStr: nonce,
      signature: jsSdkSignature({ ticket, nonceStr: nonce, timestamp, url: options.url }),
      jsApiList: options.jsApiList,
      openTagList: options.openTagList ?? [],
    };
  }
}

bindEndpointMethods(OATools.prototype, 'oa');
