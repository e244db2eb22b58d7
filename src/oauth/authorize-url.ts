// Web OAuth authorize URLs: browser redirects, not API calls. WeChat requires this parameter order
// and the #wechat_redirect fragment.
import { WechatValidationError } from '../core/errors.js';

export interface AuthorizeUrlOptions {
  scope: 'snsapi_base' | 'snsapi_userinfo';
  /** returned unchanged to the redirect; a-zA-Z0-9, at most 128 bytes */
  state?: string;
  /** overrides the client's redirectUri */
  redirectUri?: string;
  /** forcePopup=true: always show the authorization page */
  forcePopup?: boolean;
}

/** componentAppid: a third-party platform authorizing on behalf of the account (adds component_appid). */
export function authorizeUrl(appid: string, defaultRedirect: string | undefined, options: AuthorizeUrlOptions, componentAppid?: string): string {
  const redirect = options.redirectUri ?? defaultRedirect;
  const op = 'getAuthorizeUrl';
  if (!redirect) throw new WechatValidationError(op, '/redirectUri', 'is required (the redirectUri option of OATools, or here)');
  if (options.scope !== 'snsapi_base' && options.scope !== 'snsapi_userinfo') throw new WechatValidationError(op, '/scope', "must be 'snsapi_base' or 'snsapi_userinfo'");
  const state = options.state ?? '';
  if (Buffer.byteLength(state) > 128) throw new WechatValidationError(op, '/state', 'must be at most 128 bytes');
  const parts = [
    `appid=${encodeURIComponent(appid)}`,
    `redirect_uri=${encodeURIComponent(redirect)}`,
    'response_type=code',
    `scope=${options.scope}`,
    `state=${encodeURIComponent(state)}`,
  ];
  if (options.forcePopup) parts.push('forcePopup=true');
  if (componentAppid) parts.push(`component_appid=${encodeURIComponent(componentAppid)}`);
  return `https://open.weixin.qq.com/connect/oauth2/authorize?${parts.join('&')}#wechat_redirect`;
}

/** Website QR login page (网站应用微信登录, scope snsapi_login). */
export function qrConnectUrl(appid: string, defaultRedirect: string | undefined, options: { state?: string; redirectUri?: string }): string {
  const redirect = options.redirectUri ?? defaultRedirect;
  if (!redirect) throw new WechatValidationError('getQrConnectUrl', '/redirectUri', 'is required (the redirectUri option of OATools, or here)');
  const state = options.state ?? '';
  if (Buffer.byteLength(state) > 128) throw new WechatValidationError('getQrConnectUrl', '/state', 'must be at most 128 bytes');
  return `https://open.weixin.qq.com/connect/qrconnect?appid=${encodeURIComponent(appid)}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=snsapi_login&state=${encodeURIComponent(state)}#wechat_redirect`;
}
