// Mini Program user-state signature (用户登录态签名): HMAC-SHA256 keyed by the session_key *text*
// (not base64-decoded), over the POST body ("" for GET). Used by checkSessionKey,
// resetUserSessionKey and getUserEncryptKey.
import { createHmac } from 'node:crypto';

export function userStateSignature(sessionKey: string, body = ''): string {
  return createHmac('sha256', sessionKey).update(body, 'utf8').digest('hex');
}
