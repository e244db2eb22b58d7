// Cache keys of the third-party platform's state, all under the platform's appid so that several
// platforms (and plain apps) can share one cache.

export const ticketKey = (componentAppid: string) => `wechat-tools:component_verify_ticket:${componentAppid}`;
export const COMPONENT_TOKEN_KIND = 'component_access_token';
export const componentTokenKey = (componentAppid: string) => `wechat-tools:${COMPONENT_TOKEN_KIND}:${componentAppid}`;
/** the credential kind whose key (wechat-tools:<kind>:<componentAppid>) holds an authorizer's access token */
export const authorizerTokenKind = (authorizerAppid: string) => `authorizer_access_token:${authorizerAppid}`;
export const authorizerTokenKey = (componentAppid: string, authorizerAppid: string) => `wechat-tools:${authorizerTokenKind(authorizerAppid)}:${componentAppid}`;
export const refreshTokenKey = (componentAppid: string, authorizerAppid: string) => `wechat-tools:authorizer_refresh_token:${componentAppid}:${authorizerAppid}`;

/** component_verify_ticket: valid 12 hours after it was pushed */
export const TICKET_TTL_MS = 12 * 3600 * 1000;

/** What is stored under refreshTokenKey (no TTL: it is valid until the merchant revokes the authorization). */
export interface StoredRefreshToken {
  value: string;
  /** epoch ms */
  updatedAt: number;
}

export function isStoredRefreshToken(v: unknown): v is StoredRefreshToken {
  return typeof v === 'object' && v !== null && typeof (v as StoredRefreshToken).value === 'string' && (v as StoredRefreshToken).value !== '';
}
