// The primitives of WeChat's API security channel (服务端 API 签名加密), as pure functions:
//   AAD         = urlpath|appid|timestamp|sn                     (sn: the symmetric key's number)
//   ciphertext  = AES-256-GCM(key, 12-byte iv, JSON plaintext, AAD) → {iv, data, authtag} in base64
//   signed text = urlpath\nappid\ntimestamp\n<body sent or received>   (no trailing newline)
//   signature   = base64(RSASSA-PSS(SHA-256, salt 32)) with the app's private key; replies are
//                 verified with the platform certificate's public key (salt length read from the signature)
// urlpath is the full URL with scheme and host, without the query string.
import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** What WeChat signs and authenticates as urlpath: always its own host, whatever baseUrl the client uses. */
export const API_SECURITY_ORIGIN = 'https://api.weixin.qq.com';

/** The body of an encrypted request or reply. */
export interface ApiSecurityEnvelope {
  iv: string;
  data: string;
  authtag: string;
}

export const apiSecurityUrl = (path: string): string => API_SECURITY_ORIGIN + (path.split('?')[0] ?? path);

/** GCM additional authenticated data: `urlpath|appid|timestamp|sn`. */
export function apiSecurityAad(urlpath: string, appid: string, timestamp: number | string, sn: string): string {
  return `${urlpath}|${appid}|${timestamp}|${sn}`;
}

/** The text a signature covers: `urlpath\nappid\ntimestamp\nbody`. */
export function apiSecuritySignedText(urlpath: string, appid: string, timestamp: number | string, body: string): string {
  return `${urlpath}\n${appid}\n${timestamp}\n${body}`;
}

/** The 32-byte AES256_GCM key from its base64 text (as the MP admin shows it); throws on anything else. */
export function apiSecurityAesKey(base64: string): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error('must be a base64 32-byte key');
  return key;
}

export function apiSecurityEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: string, aad: string): ApiSecurityEnvelope {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: Buffer.from(iv).toString('base64'), data: data.toString('base64'), authtag: cipher.getAuthTag().toString('base64') };
}

/** The plaintext of an envelope; throws when the tag does not authenticate the data and the AAD. */
export function apiSecurityDecrypt(key: Uint8Array, envelope: ApiSecurityEnvelope, aad: string): string {
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.authtag, 'base64');
  if (iv.length !== 12 || tag.length !== 16) throw new Error('bad iv or authtag');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
}

/** RSAwithSHA256, PSS padding, salt length 32 (randomised: two signatures of one text differ). */
export function apiSecuritySign(privateKey: KeyObject, text: string): string {
  return sign('sha256', Buffer.from(text, 'utf8'), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
}

/** Whether `signature` (base64) is a PSS/SHA-256 signature of `text` by `publicKey` (any salt length). */
export function apiSecurityVerify(publicKey: KeyObject, text: string, signature: string): boolean {
  const sig = Buffer.from(signature, 'base64');
  if (sig.length === 0) return false;
  try {
    return verify('sha256', Buffer.from(text, 'utf8'), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig);
  } catch {
    return false;
  }
}

/** An RSA private key from PEM (PKCS#1 "RSA PRIVATE KEY" as the MP admin downloads it, or PKCS#8) or a KeyObject. */
export function apiSecurityPrivateKey(key: string | KeyObject): KeyObject {
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  if (k.type !== 'private' || k.asymmetricKeyType !== 'rsa') throw new Error('must be an RSA private key');
  return k;
}

/** An RSA public key from the platform certificate (PEM), a public key PEM, or a KeyObject. */
export function apiSecurityPublicKey(key: string | KeyObject): KeyObject {
  const k = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  if (k.asymmetricKeyType !== 'rsa') throw new Error('must be an RSA certificate or public key');
  return k;
}
