// wechat-tools/testing: encryptedData / iv as a Mini Program would hand them over (wx.getUserInfo,
// legacy getPhoneNumber, share info), for testing flows that call mp.decryptData. AES-128-CBC with
// the session_key, standard PKCS#7, the JSON carrying a watermark with the app's appid.
import { createCipheriv, randomBytes } from 'node:crypto';

export interface OpenDataOptions {
  /** the app whose watermark the data carries (mp.decryptData checks it) */
  appid: string;
  /** the payload: an object (a watermark { appid, timestamp } is added unless it has one) or the exact plaintext JSON */
  data: Record<string, unknown> | string;
  /** base64 of 16 bytes (default: a fresh one) */
  sessionKey?: string;
  /** base64 of 16 bytes (default: a fresh one) */
  iv?: string;
  /** the watermark's timestamp (default now) */
  timestamp?: number;
}

export interface EncryptedOpenData {
  encryptedData: string;
  iv: string;
  sessionKey: string;
}

function key16(value: string | undefined, what: string): Buffer {
  if (value === undefined) return randomBytes(16);
  const b = Buffer.from(value, 'base64');
  if (b.length !== 16 || b.toString('base64') !== value) throw new Error(`encryptOpenData: ${what} must be the base64 of 16 bytes`);
  return b;
}

export function encryptOpenData(options: OpenDataOptions): EncryptedOpenData {
  const key = key16(options.sessionKey, 'sessionKey');
  const iv = key16(options.iv, 'iv');
  const plain =
    typeof options.data === 'string'
      ? options.data
      : JSON.stringify({ ...options.data, watermark: options.data['watermark'] ?? { timestamp: options.timestamp ?? Math.floor(Date.now() / 1000), appid: options.appid } });
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  const encryptedData = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
  return { encryptedData, iv: iv.toString('base64'), sessionKey: key.toString('base64') };
}
