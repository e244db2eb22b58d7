// OATools: the Official Account client. Its endpoint methods come from the generated table; the
// web OAuth authorize URL is built here (a browser redirect, not an API call).
import type { OAToolsMethods, OAToolsOperations } from '../../generated/types.js';
import type { CallOptions } from '../core/call-options.js';
import type { WechatData } from '../core/wechat-data.js';
import { authorizeUrl, type AuthorizeUrlOptions } from '../oauth/authorize-url.js';
import { bindEndpointMethods } from './bind.js';
import type { WechatToolsOptions } from './options.js';
import { WechatClient } from './wechat-client.js';

export interface OAToolsOptions extends WechatToolsOptions {
  /** Default redirect_uri of the web OAuth authorize URL */
  redirectUri?: string;
}

type Args<K extends keyof OAToolsOperations> = OAToolsOperations[K]['required'] extends true
  ? [params: OAToolsOperations[K]['params'], options?: CallOptions]
  : [params?: OAToolsOperations[K]['params'], options?: CallOptions];

export interface OATools extends OAToolsMethods {
  /** Call an operation by name, typed. */
  call<K extends keyof OAToolsOperations>(operation: K, ...args: Args<K>): Promise<WechatData<OAToolsOperations[K]['response']>>;
}

export class OATools extends WechatClient {
  readonly platform = 'oa' as const;
  readonly redirectUri: string | undefined;
  constructor(options: OAToolsOptions) {
    super(options);
    this.redirectUri = options.redirectUri;
  }

  /**
   * The web OAuth (网页授权) page to send the user to:
   * `https://open.weixin.qq.com/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…&state=…#wechat_redirect`
   * (parameters in the order WeChat requires).
   */
  getAuthorizeUrl(options: AuthorizeUrlOptions): string {
    return authorizeUrl(this.appid, this.redirectUri, options);
  }
}

bindEndpointMethods(OATools.prototype, 'oa');
