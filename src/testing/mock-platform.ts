// The mock WeChat's third-party platform: verify-ticket pushes (encrypted and signed, as a Request),
// component tokens (api_component_token: 61006 for an unknown ticket, 61005 for an expired one),
// pre-auth codes, authorization codes, api_query_auth and api_authorizer_token with rotating refresh
// tokens, authorizer tokens (accepted on MP/OA endpoints through the mock's TokenState), and
// unauthorized events that revoke everything of that authorizer.
import { randomBytes } from 'node:crypto';
import type { EndpointRow } from '../core/endpoint.js';
import { WechatCrypto } from '../push/crypto.js';
import type { TokenState } from './token-state.js';

export interface MockPlatform {
  componentAppid: string;
  componentSecret: string;
  /** message verification Token */
  token: string;
  /** 43 characters */
  encodingAESKey: string;
}

export const DEFAULT_MOCK_PLATFORM: MockPlatform = {
  componentAppid: 'wx0000mock0000comp',
  componentSecret: 'mock-component-secret-0123456789ab',
  token: 'mock-platform-token',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

/** The authorizer the mock's platform helpers use by default. */
export const DEFAULT_MOCK_AUTHORIZER = 'wx0000mock0000auth';

type Json = Record<string, unknown>;
export type PlatformReply = Json;

interface ComponentToken {
  componentAppid: string;
  expiresAt: number;
}

const rand = (n = 18) => randomBytes(n).toString('base64url');

export class MockPlatformState {
  readonly platforms: readonly MockPlatform[];
  readonly #tokens: TokenState;
  readonly #now: () => number;
  readonly #expiresIn: number;
  /** ticket → expiry (12 h) */
  readonly #tickets = new Map<string, number>();
  readonly #componentTokens = new Map<string, ComponentToken>();
  readonly #preAuthCodes = new Map<string, string>();
  /** authorization code → { component, authorizer } */
  readonly #authCodes = new Map<string, { componentAppid: string; authorizerAppid: string }>();
  /** `${component}:${authorizer}` → the one valid refresh token */
  readonly #refresh = new Map<string, string>();
  /** rotate the refresh token on every api_authorizer_token (WeChat may) */
  rotateRefreshTokens: boolean;

  constructor(opts: { platforms: MockPlatform[]; tokens: TokenState; now: () => number; expiresIn: number; rotateRefreshTokens: boolean }) {
    this.platforms = opts.platforms;
    this.#tokens = opts.tokens;
    this.#now = opts.now;
    this.#expiresIn = opts.expiresIn;
    this.rotateRefreshTokens = opts.rotateRefreshTokens;
  }

  #platform(componentAppid?: string): MockPlatform {
    const p = componentAppid === undefined ? this.platforms[0] : this.platforms.find((x) => x.componentAppid === componentAppid);
    if (!p) throw new Error(`mock: no platform ${componentAppid ?? ''}`);
    return p;
  }

  // ---- pushes (as WeChat sends them) ----

  /** An encrypted, signed push to the platform's URL. */
  push(fields: Json, options: { url?: string; componentAppid?: string } = {}): Request {
    const p = this.#platform(options.componentAppid);
    const crypto = new WechatCrypto({ token: p.token, encodingAESKey: p.encodingAESKey, appid: p.componentAppid });
    const inner = `<xml>${Object.entries({ AppId: p.componentAppid, CreateTime: Math.floor(this.#now() / 1000), ...fields })
      .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${String(v)}]]></${k}>`))
      .join('')}</xml>`;
    const encrypt = crypto.encrypt(inner);
    const timestamp = String(Math.floor(this.#now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    const url = new URL(options.url ?? 'https://platform.example.com/wechat/auth-events');
    url.searchParams.set('signature', crypto.signature(timestamp, nonce));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('encrypt_type', 'aes');
    url.searchParams.set('msg_signature', crypto.msgSignature(timestamp, nonce, encrypt));
    return new Request(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<xml><AppId><![CDATA[${p.componentAppid}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
  }

  /** WeChat's 10-minute push: a new component_verify_ticket (valid 12 h), encrypted and signed. */
  verifyTicketPush(options: { url?: string; componentAppid?: string } = {}): Request {
    const ticket = `ticket@@@${rand()}`;
    this.#tickets.set(ticket, this.#now() + 12 * 3600 * 1000);
    return this.push({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket }, options);
  }

  /** Every ticket issued so far is now expired (61005). */
  expireTickets(): void {
    for (const k of this.#tickets.keys()) this.#tickets.set(k, 0);
  }

  /** The merchant completed the authorization page: an authorization code (the redirect's auth_code). */
  authorize(authorizerAppid = DEFAULT_MOCK_AUTHORIZER, componentAppid?: string): string {
    const p = this.#platform(componentAppid);
    const code = `queryauthcode@@@${rand()}`;
    this.#authCodes.set(code, { componentAppid: p.componentAppid, authorizerAppid });
    return code;
  }

  /** The authorized event for a new authorization (its AuthorizationCode works with api_query_auth). */
  authorizedPush(authorizerAppid = DEFAULT_MOCK_AUTHORIZER, options: { url?: string; componentAppid?: string } = {}): Request {
    const code = this.authorize(authorizerAppid, options.componentAppid);
    return this.push({ InfoType: 'authorized', AuthorizerAppid: authorizerAppid, AuthorizationCode: code, AuthorizationCodeExpiredTime: Math.floor(this.#now() / 1000) + 3600, PreAuthCode: `preauthcode@@@${rand()}` }, options);
  }

  /** The merchant revoked the platform: its refresh and access tokens stop working; returns the unauthorized event. */
  unauthorizedPush(authorizerAppid = DEFAULT_MOCK_AUTHORIZER, options: { url?: string; componentAppid?: string } = {}): Request {
    const p = this.#platform(options.componentAppid);
    this.#refresh.delete(`${p.componentAppid}:${authorizerAppid}`);
    this.#tokens.revokeApp(authorizerAppid);
    return this.push({ InfoType: 'unauthorized', AuthorizerAppid: authorizerAppid }, options);
  }

  /** A message to an authorizer's account, at the platform's message URL (encrypted with the platform's key). */
  messagePush(authorizerAppid: string, message: Json, options: { url?: string; componentAppid?: string } = {}): Request {
    return this.push(message, { ...options, url: options.url ?? `https://platform.example.com/wechat/messages/${authorizerAppid}` });
  }

  /** The refresh token WeChat currently accepts for this authorizer. */
  currentRefreshToken(authorizerAppid = DEFAULT_MOCK_AUTHORIZER, componentAppid?: string): string | undefined {
    return this.#refresh.get(`${this.#platform(componentAppid).componentAppid}:${authorizerAppid}`);
  }

  /** Every component token issued so far answers 42001. */
  expireComponentTokens(): void {
    for (const t of this.#componentTokens.values()) t.expiresAt = Math.min(t.expiresAt, this.#now());
  }

  // ---- serving ----

  /** Credentials of a platform endpoint: undefined = accepted, else the error reply. */
  authenticate(row: EndpointRow, query: Record<string, string>, body: Json): { componentAppid?: string; error?: PlatformReply } {
    const src = row.credentials?.in === 'query' ? query : body;
    if (row.auth === 'credentials' && row.credentials) {
      const appid = String(src[row.credentials.appid] ?? '');
      const p = this.platforms.find((x) => x.componentAppid === appid);
      if (!appid) return { error: { errcode: 41002, errmsg: 'appid missing' } };
      if (!p) return { error: { errcode: 61011, errmsg: 'invalid component' } };
      const secret = src[row.credentials.secret];
      if (!secret) return { error: { errcode: 41004, errmsg: 'appsecret missing' } };
      if (secret !== p.componentSecret) return { error: { errcode: 40125, errmsg: 'invalid appsecret' } };
      return { componentAppid: appid };
    }
    // component_access_token rows, and access_token rows of the platform's own endpoints
    const token = row.auth === 'component_access_token' ? (query['component_access_token'] ?? query['access_token']) : query['access_token'];
    if (!token) return { error: { errcode: 41001, errmsg: 'access_token missing' } };
    const t = this.#componentTokens.get(token);
    if (!t) return { error: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' } };
    if (t.expiresAt <= this.#now()) return { error: { errcode: 42001, errmsg: 'access_token expired' } };
    if (row.auth === 'component_access_token' && row.credentials) {
      const appid = src[row.credentials.appid];
      if (appid !== t.componentAppid) return { error: { errcode: 61011, errmsg: 'invalid component' } };
    }
    return { componentAppid: t.componentAppid };
  }

  /** The stateful platform endpoints; undefined for the others (answered from the spec examples). */
  serve(row: EndpointRow, componentAppid: string, body: Json, query: Record<string, string>): PlatformReply | undefined {
    switch (row.path) {
      case '/cgi-bin/component/api_component_token': {
        const ticket = String(body['component_verify_ticket'] ?? '');
        const until = this.#tickets.get(ticket);
        if (until === undefined) return { errcode: 61006, errmsg: 'component ticket is invalid' };
        if (until <= this.#now()) return { errcode: 61005, errmsg: 'component ticket is expired' };
        const token = `MOCK_COMPONENT_${rand(24)}`;
        this.#componentTokens.set(token, { componentAppid, expiresAt: this.#now() + this.#expiresIn * 1000 });
        return { component_access_token: token, expires_in: this.#expiresIn };
      }
      case '/cgi-bin/component/api_create_preauthcode': {
        const code = `preauthcode@@@${rand()}`;
        this.#preAuthCodes.set(code, componentAppid);
        return { pre_auth_code: code, expires_in: 600 };
      }
      case '/cgi-bin/component/api_query_auth': {
        const code = String(body['authorization_code'] ?? '');
        const auth = this.#authCodes.get(code);
        if (!auth || auth.componentAppid !== componentAppid) return { errcode: 61009, errmsg: 'code is invalid' };
        this.#authCodes.delete(code);
        const refresh = `refreshtoken@@@${rand()}`; // a new authorization replaces the previous refresh token
        this.#refresh.set(`${componentAppid}:${auth.authorizerAppid}`, refresh);
        const issued = this.#tokens.authorizer(auth.authorizerAppid);
        return {
          authorization_info: {
            authorizer_appid: auth.authorizerAppid,
            authorizer_access_token: issued.access_token,
            expires_in: issued.expires_in,
            authorizer_refresh_token: refresh,
            func_info: [{ funcscope_category: { id: 17 } }, { funcscope_category: { id: 18 } }],
          },
        };
      }
      case '/cgi-bin/component/api_authorizer_token': {
        const appid = String(body['authorizer_appid'] ?? '');
        const key = `${componentAppid}:${appid}`;
        const current = this.#refresh.get(key);
        if (current === undefined) return { errcode: 61003, errmsg: 'component is not authorized by this account' };
        if (body['authorizer_refresh_token'] !== current) return { errcode: 61023, errmsg: 'refresh_token is invalid' };
        const next = this.rotateRefreshTokens ? `refreshtoken@@@${rand()}` : current;
        this.#refresh.set(key, next);
        const issued = this.#tokens.authorizer(appid);
        return { authorizer_access_token: issued.access_token, expires_in: issued.expires_in, authorizer_refresh_token: next };
      }
      default:
        void query;
        return undefined;
    }
  }

  /** Is this row one the platform authenticates (component token or platform credentials)? */
  static owns(row: EndpointRow): boolean {
    return row.auth === 'component_access_token' || (row.clients.includes('component') && row.auth !== 'none');
  }

  clear(): void {
    this.#tickets.clear();
    this.#componentTokens.clear();
    this.#preAuthCodes.clear();
    this.#authCodes.clear();
    this.#refresh.clear();
  }
}
