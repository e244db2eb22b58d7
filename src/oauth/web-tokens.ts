// Web OAuth user tokens kept per openid in the client's cache: a valid user access_token, refreshed
// with the refresh_token (30 days) when it expired; when that is gone too, the user must authorize again.
import { WechatToolsError } from '../core/errors.js';
import type { TokenStore } from '../token/manager.js';

export interface WebUserTokens {
  openid: string;
  access_token: string;
  refresh_token: string;
  scope: string;
  /** epoch ms */
  expiresAt: number;
  /** epoch ms (30 days after the code exchange or the last refresh) */
  refreshExpiresAt: number;
  unionid?: string;
}

/** The user has to go through the authorize page again (no token, or the refresh_token expired). */
export class WechatReauthorizeError extends WechatToolsError {
  readonly openid: string;
  constructor(openid: string, why: string) {
    super(`web OAuth: user ${openid} must authorize again (${why})`, { operation: 'getUserAccessToken' });
    this.openid = openid;
  }
}

export const REFRESH_TOKEN_LIFE_MS = 30 * 24 * 3600 * 1000;

export function webTokenKey(appid: string, openid: string): string {
  return `wechat-tools:web_token:${appid}:${openid}`;
}

export function isWebUserTokens(v: unknown): v is WebUserTokens {
  return typeof v === 'object' && v !== null && typeof (v as WebUserTokens).access_token === 'string' && typeof (v as WebUserTokens).refresh_token === 'string';
}

export async function saveWebTokens(store: TokenStore, appid: string, tokens: WebUserTokens): Promise<void> {
  const ttl = Math.max(1, tokens.refreshExpiresAt - Date.now());
  await store.set(webTokenKey(appid, tokens.openid), tokens, ttl);
}
