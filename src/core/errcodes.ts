// The errcode catalogue (spec/_shared/errcodes.yaml → generated/errcodes.ts) and what the runtime
// derives from it.
import { errcodeCatalogue } from '../../generated/errcodes.js';

export interface ErrcodeInfo {
  readonly errcode: number;
  readonly errmsg: string;
  /** 中文说明 */
  readonly zh: string;
  /** refresh_token: refresh and retry once; retry: transient; none: returned as is */
  readonly action: 'refresh_token' | 'retry' | 'none';
  readonly hint?: string;
}

const byCode = new Map<number, ErrcodeInfo>(errcodeCatalogue.map((e) => [e.errcode, e]));

/** Errcodes that mean "this access_token is no good": 40001, 40014, 41001, 42001. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set(errcodeCatalogue.filter((e) => e.action === 'refresh_token').map((e) => e.errcode));

export function errcodeInfo(errcode: number): ErrcodeInfo | undefined {
  return byCode.get(errcode);
}
