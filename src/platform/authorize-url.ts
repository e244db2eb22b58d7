// The platform's authorization page (授权链接): a browser redirect carrying a fresh pre_auth_code.
import { WechatValidationError } from '../core/errors.js';

export interface PlatformAuthorizeUrlOptions {
  /** where WeChat sends the merchant back, with ?auth_code=…&expires_in=… (must be under the platform's 登录授权的发起页域名) */
  redirectUri: string;
  /** 1 公众号 · 2 小程序 · 3 both (default) · 4 小程序推客账号 · 5 视频号 · 6 all of them */
  authType?: 1 | 2 | 3 | 4 | 5 | 6;
  /** only this account may authorize */
  bizAppid?: string;
  /** the mobile (H5, inside WeChat) page instead of the PC page with its QR code */
  mobile?: boolean;
  /** only these permission sets (权限集 ids), e.g. [1, 2] */
  categoryIdList?: number[];
}

export function platformAuthorizeUrl(componentAppid: string, preAuthCode: string, o: PlatformAuthorizeUrlOptions): string {
  const op = 'getAuthorizeUrl';
  if (!o || typeof o.redirectUri !== 'string' || !/^https?:\/\//.test(o.redirectUri)) throw new WechatValidationError(op, '/redirectUri', 'is required: an http(s) URL under the platform’s authorization domain');
  if (o.authType !== undefined && ![1, 2, 3, 4, 5, 6].includes(o.authType)) throw new WechatValidationError(op, '/authType', 'must be 1 (公众号), 2 (小程序), 3 (both), 4, 5 or 6');
  if (o.bizAppid !== undefined && !/^wx[0-9a-zA-Z]{16}$/.test(o.bizAppid)) throw new WechatValidationError(op, '/bizAppid', 'must be an appid (wx + 16 characters)');
  const params: [string, string][] = [
    ['component_appid', componentAppid],
    ['pre_auth_code', preAuthCode],
    ['redirect_uri', o.redirectUri],
    ['auth_type', String(o.authType ?? 3)],
  ];
  if (o.bizAppid) params.push(['biz_appid', o.bizAppid]);
  if (o.categoryIdList && o.categoryIdList.length > 0) params.push(['category_id_list', o.categoryIdList.join('|')]);
  const qs = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return o.mobile
    ? `https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&${qs}#wechat_redirect`
    : `https://mp.weixin.qq.com/cgi-bin/componentloginpage?${qs}`;
}
