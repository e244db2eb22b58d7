// Mini Program open data (开放数据校验与解密): decrypt encryptedData (AES-128-CBC, key = session_key,
// standard PKCS#7), check the watermark appid, and verify rawData signatures.
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { WechatToolsError } from '../core/errors.js';
import { parseJsonKeepingBigInts } from '../core/json.js';

export type DecryptFailure = 'bad_key' | 'bad_iv' | 'bad_data' | 'bad_padding' | 'bad_json' | 'appid_mismatch';

/** encryptedData could not be decrypted or does not belong to this app. */
export class WechatDecryptError extends WechatToolsError {
  readonly reason: DecryptFailure;
  constructor(reason: DecryptFailure, detail: string) {
    super(`decryptData: ${detail}`, { operation: 'decryptData' });
    this.reason = reason;
  }
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decode(value: string, what: string, reason: DecryptFailure, length?: number): Buffer {
  if (typeof value !== 'string' || !B64.test(value) || value.length % 4 !== 0) throw new WechatDecryptError(reason, `${what} is not base64`);
  const buf = Buffer.from(value, 'base64');
  if (length !== undefined && buf.length !== length) throw new WechatDecryptError(reason, `${what} must decode to ${length} bytes, got ${buf.length}`);
  return buf;
}

/**
 * Decrypt wx.getUserInfo / share-info style encryptedData. Returns the parsed JSON; checks that
 * `watermark.appid` equals `appid`.
 */
export function decryptOpenData<T = Record<string, unknown>>(appid: string, encryptedData: string, iv: string, sessionKey: string): T & { watermark: { appid: string; timestamp: number } } {
  const key = decode(sessionKey, 'session_key', 'bad_key', 16);
  const ivBytes = decode(iv, 'iv', 'bad_iv', 16);
  const data = decode(encryptedData, 'encryptedData', 'bad_data');
  if (data.length === 0 || data.length % 16 !== 0) throw new WechatDecryptError('bad_data', 'encryptedData length is not a multiple of 16 bytes');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, ivBytes);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new WechatDecryptError('bad_padding', 'bad padding (wrong session_key or iv, or damaged data)');
  }
  let json: unknown;
  try {
    json = parseJsonKeepingBigInts(plain.toString('utf8')); // 64-bit integers kept as strings
  } catch {
    throw new WechatDecryptError('bad_json', 'the decrypted data is not JSON (wrong session_key or iv?)');
  }
  const watermark = (json as { watermark?: { appid?: unknown } } | null)?.watermark;
  if (!watermark || watermark.appid !== appid) throw new WechatDecryptError('appid_mismatch', `the data belongs to another app (watermark appid ${String(watermark?.appid)})`);
  return json as T & { watermark: { appid: string; timestamp: number } };
}

/** rawData signature: sha1(rawData + session_key), compared in constant time. */
export function verifyRawDataSignature(rawData: string, sessionKey: string, signature: string): boolean {
  const expected = createHash('sha1').update(rawData + sessionKey, 'utf8').digest();
  if (typeof signature !== 'string' || !/^[0-9a-f]{40}$/i.test(signature)) return false;
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
