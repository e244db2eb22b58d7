// MPTools: the Mini Program client. Its endpoint methods come from the generated table.
import type { MPToolsMethods, MPToolsOperations, MPToolsPaginated } from '../../generated/types.js';
import type { PageIterator, PaginateArgs } from './paginate.js';
import type { CallOptions } from '../core/call-options.js';
import type { WechatData } from '../core/wechat-data.js';
import { decryptOpenData, verifyRawDataSignature } from '../crypto/open-data.js';
import { userStateSignature } from '../crypto/user-state.js';
import { bindEndpointMethods } from './bind.js';
import type { WechatToolsOptions } from './options.js';
import type { ExtraEndpoints, ExtraTypes, WithExtraEndpoints } from './extend.js';
import { WechatClient } from './wechat-client.js';

export type MPToolsOptions = WechatToolsOptions;

type Args<K extends keyof MPToolsOperations> = MPToolsOperations[K]['required'] extends true
  ? [params: MPToolsOperations[K]['params'], options?: CallOptions]
  : [params?: MPToolsOperations[K]['params'], options?: CallOptions];

export interface MPTools extends MPToolsMethods {
  /** Call an operation by name, typed. */
  call<K extends keyof MPToolsOperations>(operation: K, ...args: Args<K>): Promise<WechatData<MPToolsOperations[K]['response']>>;
  /** Page through a list endpoint, typed: iterate for the items (typed from the reply schema), `.pages()` for the replies. */
  paginate<K extends keyof MPToolsPaginated>(operation: K, ...args: PaginateArgs<MPToolsPaginated[K]>): PageIterator<MPToolsPaginated[K]['item'], WechatData<MPToolsPaginated[K]['response']>>;
}

export class MPTools extends WechatClient {
  readonly platform = 'mp' as const;
  constructor(options: MPToolsOptions) {
    super(options);
    this.bindExtraEndpoints();
  }

  /**
   * A factory of clients with your own endpoints (the `extraEndpoints` that `wechat-tools generate --specs DIR --out DIR`
   * writes): their typed methods and `call()` by name, validated, token-managed and retried like the built-in ones.
   */
  static extend<T extends ExtraTypes>(endpoints: ExtraEndpoints<T>): (options: MPToolsOptions) => WithExtraEndpoints<MPTools, T, 'mp'> {
    return (options) => new MPTools({ ...options, endpoints }) as WithExtraEndpoints<MPTools, T, 'mp'>;
  }

  /**
   * Decrypt encryptedData from wx.getUserInfo, share info, etc. (AES-128-CBC with the session_key),
   * checking that its watermark belongs to this app. Throws WechatDecryptError (with `reason`).
   */
  decryptData<T = Record<string, unknown>>(encryptedData: string, iv: string, sessionKey: string): T & { watermark: { appid: string; timestamp: number } } {
    return decryptOpenData<T>(this.appid, encryptedData, iv, sessionKey);
  }

  /** rawData signature check: sha1(rawData + session_key) === signature (constant-time). */
  verifyRawDataSignature(rawData: string, sessionKey: string, signature: string): boolean {
    return verifyRawDataSignature(rawData, sessionKey, signature);
  }

  /** User-state signature: HMAC-SHA256 keyed by the session_key text over the body ("" for GET). */
  userStateSignature(sessionKey: string, body = ''): string {
    return userStateSignature(sessionKey, body);
  }
}

bindEndpointMethods(MPTools.prototype, 'mp');
