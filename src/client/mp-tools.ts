// MPTools: the Mini Program client. Its endpoint methods come from the generated table.
import type { MPToolsMethods, MPToolsOperations } from '../../generated/types.js';
import type { CallOptions } from '../core/call-options.js';
import type { WechatData } from '../core/wechat-data.js';
import { bindEndpointMethods } from './bind.js';
import type { WechatToolsOptions } from './options.js';
import { WechatClient } from './wechat-client.js';

export type MPToolsOptions = WechatToolsOptions;

type Args<K extends keyof MPToolsOperations> = MPToolsOperations[K]['required'] extends true
  ? [params: MPToolsOperations[K]['params'], options?: CallOptions]
  : [params?: MPToolsOperations[K]['params'], options?: CallOptions];

export interface MPTools extends MPToolsMethods {
  /** Call an operation by name, typed. */
  call<K extends keyof MPToolsOperations>(operation: K, ...args: Args<K>): Promise<WechatData<MPToolsOperations[K]['response']>>;
}

export class MPTools extends WechatClient {
  readonly platform = 'mp' as const;
  constructor(options: MPToolsOptions) {
    super(options);
  }
}

bindEndpointMethods(MPTools.prototype, 'mp');
