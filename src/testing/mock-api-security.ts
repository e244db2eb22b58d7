// The mock's side of WeChat's API security channel (服务端 API 签名加密): for an app configured with
// keys, a call to an endpoint marked `apiSecurity` must come signed and encrypted; the mock checks the
// Wechatmp-* headers and the signature (the app's public key), decrypts the params, and seals its
// answer the same way (encrypted, signed with the platform key, Wechatmp-Serial = certSn).
// Failures of the channel are answered in the clear with WeChat's errcodes 40230–40240.
import { createPublicKey, randomBytes } from 'node:crypto';
import type { EndpointRow } from '../core/endpoint.js';
import type { ApiSecurityOptions } from '../sign/api-security.js';
import {
  apiSecurityAad,
  apiSecurityAesKey,
  apiSecurityDecrypt,
  apiSecurityEncrypt,
  apiSecurityPrivateKey,
  apiSecuritySign,
  apiSecuritySignedText,
  apiSecurityUrl,
  apiSecurityVerify,
} from '../sign/api-security-crypto.js';
import { MOCK_APP_PRIVATE_KEY, MOCK_PLATFORM_CERT, MOCK_PLATFORM_PRIVATE_KEY } from './mock-api-security-keys.js';

/** An app's API security keys as the client takes them, plus the platform's private key the mock signs with. */
export interface MockApiSecurity extends ApiSecurityOptions {
  platformPrivateKey: string;
}

/** Test keys (never for a real app): the client options `apiSecurity` for the default mock app. */
export const DEFAULT_MOCK_API_SECURITY: MockApiSecurity = {
  aesSn: 'mock0aes0sn00000000000000000000a',
  aesKey: 'bW9jay1hcGktc2VjdXJpdHktYWVzLWtleS0zMmJ5dGU=',
  rsaSn: 'mock0rsa0sn00000000000000000000b',
  privateKey: MOCK_APP_PRIVATE_KEY,
  certSn: 'mock0cert0sn0000000000000000000c',
  platformCert: MOCK_PLATFORM_CERT,
  platformPrivateKey: MOCK_PLATFORM_PRIVATE_KEY,
};

const H = { appid: 'wechatmp-appid', timestamp: 'wechatmp-timestamp', signature: 'wechatmp-signature', serial: 'wechatmp-serial' } as const;
const MAX_SKEW_S = 300;

interface App {
  appid: string;
  apiSecurity?: MockApiSecurity;
}

export type OpenedCall =
  /** not an encrypted call: handle as usual */
  | { kind: 'plain' }
  /** a failure of the channel, answered in the clear */
  | { kind: 'refused'; errcode: number; errmsg: string }
  /** decrypted: handle `request` (the plain params), then `seal` the answer */
  | { kind: 'opened'; request: Request; seal: (res: Response) => Promise<Response> };

const refused = (errcode: number, errmsg: string): OpenedCall => ({ kind: 'refused', errcode, errmsg });

/** Open an encrypted call to a marked endpoint (see OpenedCall). `appidOfToken` reads the access_token's app. */
export async function openSealedCall(request: Request, row: EndpointRow | undefined, apps: readonly App[], appidOfToken: (token: string | null) => string | undefined): Promise<OpenedCall> {
  if (!row?.apiSecurity || request.method !== 'POST') return { kind: 'plain' };
  const url = new URL(request.url);
  const signature = request.headers.get(H.signature);
  if (!signature) {
    // A plain call from an app that turned API security on is refused; apps without keys call in the clear.
    const app = apps.find((a) => a.appid === appidOfToken(url.searchParams.get('access_token')));
    return app?.apiSecurity ? refused(40232, 'API_Missing_Wechatmp_Signature') : { kind: 'plain' };
  }
  const appid = request.headers.get(H.appid);
  if (!appid) return refused(40233, 'API_Missing_Wechatmp_Appid');
  const tsText = request.headers.get(H.timestamp);
  if (!tsText) return refused(40231, 'API_Missing_Wechatmp_Timestamp');
  if (!request.headers.get(H.serial)) return refused(40230, 'API_Missing_Wechatmp_Serial');
  const app = apps.find((a) => a.appid === appid);
  if (!app) return refused(40236, 'API_Invalid_Wechatmp_Appid');
  const keys = app.apiSecurity;
  if (!keys) return refused(40238, 'API_NoExist_DevSecretSym');
  const tokenAppid = appidOfToken(url.searchParams.get('access_token'));
  if (tokenAppid !== undefined && tokenAppid !== appid) return refused(40237, 'API_Invalid_Wechatmp_Appidmatch');
  const timestamp = Number(tsText);
  if (!/^\d+$/.test(tsText) || Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_S) return refused(40240, 'API_Expired_Wechatmp_Timestamp');
  const raw = await request.text();
  const urlpath = apiSecurityUrl(url.pathname);
  const appKey = createPublicKey(apiSecurityPrivateKey(keys.privateKey));
  if (!apiSecurityVerify(appKey, apiSecuritySignedText(urlpath, appid, timestamp, raw), signature)) return refused(40234, 'API_Invalid_Signature');
  const aesKey = apiSecurityAesKey(keys.aesKey);
  let params: Record<string, unknown>;
  try {
    const env = JSON.parse(raw) as { iv?: unknown; data?: unknown; authtag?: unknown };
    if (typeof env.iv !== 'string' || typeof env.data !== 'string' || typeof env.authtag !== 'string') throw new Error('not an envelope');
    const plain = JSON.parse(apiSecurityDecrypt(aesKey, { iv: env.iv, data: env.data, authtag: env.authtag }, apiSecurityAad(urlpath, appid, timestamp, keys.aesSn))) as Record<string, unknown>;
    if (plain['_appid'] !== appid || plain['_timestamp'] !== timestamp || typeof plain['_n'] !== 'string') throw new Error('security fields');
    const { _n: _nonce, _appid: _a, _timestamp: _t, ...rest } = plain;
    params = rest;
  } catch {
    return refused(40235, 'API_Invalid_Encrypt');
  }
  // The plain request the mock handles: URL params stay in the URL (only the access_token is there), the rest is the body.
  const inQuery = new Set(row.query ?? []);
  const plainUrl = new URL(url);
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (inQuery.has(k)) plainUrl.searchParams.set(k, String(v));
    else body[k] = v;
  }
  const headers = new Headers(request.headers);
  for (const h of Object.values(H)) headers.delete(h);
  const plainRequest = new Request(plainUrl, { method: 'POST', headers, body: JSON.stringify(body), signal: request.signal });
  return { kind: 'opened', request: plainRequest, seal: (res) => sealReply(res, urlpath, appid, keys, aesKey) };
}

/** The mock's JSON answer, encrypted and signed as WeChat does (other answers pass as they are). */
async function sealReply(res: Response, urlpath: string, appid: string, keys: MockApiSecurity, aesKey: Buffer): Promise<Response> {
  if (res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('json')) return res;
  const answer = JSON.parse(await res.text()) as Record<string, unknown>;
  const timestamp = Math.floor(Date.now() / 1000);
  const plain = { _n: randomBytes(16).toString('base64').replace(/=+$/, ''), _appid: appid, _timestamp: timestamp, ...answer };
  const raw = JSON.stringify(apiSecurityEncrypt(aesKey, randomBytes(12), JSON.stringify(plain), apiSecurityAad(urlpath, appid, timestamp, keys.aesSn)));
  const signature = apiSecuritySign(apiSecurityPrivateKey(keys.platformPrivateKey), apiSecuritySignedText(urlpath, appid, timestamp, raw));
  return new Response(raw, {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'Wechatmp-Appid': appid, 'Wechatmp-TimeStamp': String(timestamp), 'Wechatmp-Serial': keys.certSn, 'Wechatmp-Signature': signature },
  });
}
