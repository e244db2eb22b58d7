// JS-SDK signature (附录1): sha1 of "jsapi_ticket=…&noncestr=…&timestamp=…&url=…" (keys sorted,
// the URL without its #fragment, not escaped).
import { createHash, randomBytes } from 'node:crypto';

export interface JsSdkSignInput {
  ticket: string;
  nonceStr: string;
  timestamp: number | string;
  url: string;
}

export function jsSdkSignature(input: JsSdkSignInput): string {
  const url = input.url.split('#')[0] ?? '';
  const fields: Record<string, string> = { jsapi_ticket: input.ticket, noncestr: input.nonceStr, timestamp: String(input.timestamp), url };
  const plain = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  return createHash('sha1').update(plain, 'utf8').digest('hex');
}

export function nonceStr(): string {
  return randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
}

export interface JsSdkConfigOptions {
  /** the page URL (its #fragment is dropped) */
  url: string;
  jsApiList: string[];
  openTagList?: string[];
  debug?: boolean;
}

/** The object for `wx.config(…)`. */
export interface JsSdkConfig {
  debug: boolean;
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
  jsApiList: string[];
  openTagList: string[];
}
