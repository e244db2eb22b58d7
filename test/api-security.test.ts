// WeChat's API security channel (服务端 API 签名加密): known answers from the worked example on the
// official page (developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature:
// getuserriskrank with its keys, iv, plaintext, ciphertext, authtag, request and reply signatures),
// the client end to end on those vectors (request sealed, reply verified and decrypted, typed
// failures, nothing retried), the refusal before any request, and the keys never shown.
import { constants, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MPTools, WechatApiSecurityError, WechatToolsError, WechatValidationError, type ApiSecurityOptions, type Logger, type WechatResult } from '../src/index.js';
import {
  apiSecurityAad,
  apiSecurityAesKey,
  apiSecurityDecrypt,
  apiSecurityEncrypt,
  apiSecurityPrivateKey,
  apiSecurityPublicKey,
  apiSecuritySign,
  apiSecuritySignedText,
  apiSecurityVerify,
} from '../src/sign/api-security-crypto.js';

// The worked example of WeChat's "服务端 API 签名加密指南" (getuserriskrank), copied from the page.
export const OFFICIAL = {
  appid: 'wxba6223c06417af7b',
  urlpath: 'https://api.weixin.qq.com/wxa/getuserriskrank',
  aesSn: 'fa05fe1e5bcc79b81ad5ad4b58acf787',
  aesKey: 'otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=',
  rsaSn: '97845f6ed842ea860df6fdf65941ff56',
  privateKey:
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA3FoQOmOl5/CF5hF7ta4EzCy2LaU3Eu2k9DBwQ73J82I53Sx9\nLAgM1DH3IsYohRRx/BESfbdDI2powvr6QYKVIC+4Yavwg7gzhZRxWWmT1HruEADC\nZAgkUCu+9Il/9FPuitPSoIpBd07NqdkkRe82NBOfrKTdhge/5zd457fl7J81Q5VT\nIxO8vvq7FSw7k6Jtv+eOjR6SZOWbbUO7f9r4UuUkXmvdGv21qiqtaO1EMw4tUCEL\nzY73M7NpCH3RorlommYX3P6q0VrkDHrCE0/QMhmHsF+46E+IRcJ3wtEj3p/mO1Vo\nCpEhawC1U728ZUTwWNEii8hPEhcNAZTKaQMaTQIDAQABAoIBAQCXv5p/a5KcyYKc\n75tfgekh5wTLKIVmDqzT0evuauyCJTouO+4z/ZNAKuzEUO0kwPDCo8s1MpkU8boV\n1Ru1M8WZNePnt65aN+ebbaAl8FRzNvltoeg9VXIUmBvYcjzhOVAE4V2jW7M8A9QU\nzUpyswuED6OeFKfOHtYk2In2IipAqhfbyc6gn7uZSWTQsoO6hGBRQ7Ejx+vgwrbx\nZKVZ7UXbPHD0lOEPraA3PH/QUeUKpNwK2NXQoBxWcR283/HxFSAjjSSsGSBKsCnw\nDN55P2FQ0HNi5YrwUNT9190NIXSeygaRy1b+D+yBfm+yE7/qXwHLZCHsjO+2tMSS\n3KGjllTBAoGBAP9FPeYNKZuu5jt9RpZwXCc9E7Iz7bmM7zws6dun6dQH0xVVWFVm\niGIu07eqyB8HNagXseFzoXLV5EQx+3DaB0bAH+ZEpHGJJpAWSLusigssFUFuTvTF\nw+rC5hxOfidMa6+93SU5pWeJb0zJF8PRDaJ3UmwlwpYubF17sT4PD6p9AoGBANz7\nRlhRSFvggJjhEMpek3OIYWrrlRNO2MVcP7i/fGNTHhrw7OHcNGRof54QZ2Y0baL7\n1vHNokbK2mnT+cQXY/gXMmcE/eV4xyRGYiIL9nBdrkLerc43EYPv+evDvgyji6+y\n4np5cKqHrS8F+YzATk82Jt9HgdI2MvfbJTkSbmgRAoGAHNPL9rPb1An/VA6Ery6H\nKaM7Gy/EE+U3ixsjWbvvqxMrIkieDh7jHftdy2sM6Hwe8hmi6+vr+pTvD0h5tbfZ\nhILj11Q/Idc0NKdflVoZyMM0r0vuvLOsuVFDPUUb+AIoUxNk6vREmpmpqQk4ltN/\n763779yfyef6MuBqFrEKut0CgYB9FfsuuOv1nfINF7EybDCZAETsiee7ozEPHnWv\ndSzK6FytMV1VSBmcEI7UgUKWVu0MifOUsiq+WcsihmvmNLtQzoioSeoSP7ix7ulT\njmP0HQMsNPI7PW67uVZFv2pPqy/Bx8dtPlqpHN3KNV6Z7q0lJ2j/kHGK9UUKidDb\nKnS2kQKBgHZ0cYzwh9YnmfXx9mimF57aQQ8aFc9yaeD5/3G2+a/FZcHtYzUdHQ7P\nPS35blD17/NnhunHhuqakbgarH/LIFMHITCVuGQT4xS34kFVjFVhiT3cHfWyBbJ6\nGbQuzzFxz/UKDDKf3/ON41k8UP20Gdvmv/+c6qQjKPayME81elus\n-----END RSA PRIVATE KEY-----",
  certSn: '79ba700ea147819f640941bceb38b1d1',
  platformCert:
    "-----BEGIN CERTIFICATE-----\nMIID0jCCArqgAwIBAgIUeE+Yy7vM/o+eHHsfM+1bGJJEZTQwDQYJKoZIhvcNAQEL\nBQAwXjELMAkGA1UEBhMCQ04xEzARBgNVBAoTClRlbnBheS5jb20xHTAbBgNVBAsT\nFFRlbnBheS5jb20gQ0EgQ2VudGVyMRswGQYDVQQDExJUZW5wYXkuY29tIFJvb3Qg\nQ0EwHhcNMjIwOTA1MDgzOTIyWhcNMjcwOTA0MDgzOTIyWjBkMRswGQYDVQQDDBJ3\neGQ5MzBlYTVkNWEyNThmNGYxFTATBgNVBAoMDFRlbmNlbnQgSW5jLjEOMAwGA1UE\nCwwFV3hnTXAxCzAJBgNVBAYMAkNOMREwDwYDVQQHDAhTaGVuWmhlbjCCASIwDQYJ\nKoZIhvcNAQEBBQADggEPADCCAQoCggEBAM5D9qlkCmk1kr3FpF0e9pc3kGsvz5RA\n0/YRny9xPKIyV2UVMDZvRQ+mDHsiQQFE6etg457KFYSxTDKtItbdl6hJQVGeAvg0\nmqPYE9SkHRGTfL/AnXRbKBG2GC2OcaPSAprsLOersjay2me+9pF8VHybV8aox78A\nNsU75G/OO3V1iEE0s5Pmglqk8DEiw9gB/dGJzsNfXwzvyJyiUP9ZujYexyjsS+/Z\nGdSOUkqL/th+16yHj8alcdyga6YGfWEDyWkt/i/B28cwx4nzwk8xgrurifPaLuMk\n0+9wJQLCfAn/f7zyHrC8PcD1XvvRt9VBNMBASXs3710ODyyVf2lkMgkCAwEAAaOB\ngTB/MAkGA1UdEwQCMAAwCwYDVR0PBAQDAgTwMGUGA1UdHwReMFwwWqBYoFaGVGh0\ndHA6Ly9ldmNhLml0cnVzLmNvbS5jbi9wdWJsaWMvaXRydXNjcmw/Q0E9MUJENDIy\nMEU1MERCQzA0QjA2QUQzOTc1NDk4NDZDMDFDM0U4RUJEMjANBgkqhkiG9w0BAQsF\nAAOCAQEAL2MK9tYu+ljLVBlSbfEeaKyF07TN+G31Ya5NBzeS1ZCx4joUEIyACWmG\nfUkKNKiKV+EMzxeEhKRso1Qif3E7Ipl+PQBoQw6OSR/jFHciYurnGR9CLkL03Zo1\nqw1Xetv9OipsvlpA0SOWc207e/XpGdm8C7FMXM6bzvVp8I/STTjC1vqjIZu9WavI\nRgGM4jyAPz2XogUq0BNijef8BXbbav9fAsXjHSwn5BQv4iLms3fiLm/eoyQ6dZ2R\noTudrlcyr1bG4vwETLmHF+3yfVp9dpvJ+lyfiviwDwyfa8t2WlJm27DuF4vWoxir\nmjgj9tDutIFqxLIovLyg3uiAYtSQ/Q==\n-----END CERTIFICATE-----",
  request: {
    timestamp: 1635927954,
    iv: 'fmW/zNxXlytUZBgj',
    plaintext: '{"_n":"o89QaPVsRu1yppIZzvSZc4","_appid":"wxba6223c06417af7b","_timestamp":1635927954,"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}',
    data: '0IDVdrPtSPF/Oe2CTXCV2vVNPbVJdJlP2WaTMQnoYLh5iCrrSNfQFh25EnStDMf0hLlVNBCZQtf9NaV0m4aRA4AAYIO7oR/Ge+4yY4EmZp5EVPB42xjScgMx5X3D4VdLCfynXIUKUtZHZvk1zmLVE3RauzJgiM1BB1CPmwcENo3MTJ0z8Vfkf5tMv54kOXobDLlV5rfqKdAX7gM/rP82DgZdt9vvZX44ipdbHIjJvw83ZXAFtvftdVw2Qd8=',
    authtag: '5qeM/2vZv+6KtScN94IpMg==',
    signature:
      'wcSSWHZunjz9VKl9q+If9deiyECXDAELfAJNZ4+5T+NhFr8zfhkwdQtlgQ7nN5xs99R57La9UjBTRBGge2KYyshWtw7HIMPAqWNsnpHvx0b2f7s6Bt7OpfOQLlIfNgepgTVmUwrqW8/7A12szj7tCe/bRFilwnaX6N0w4duHlfL7ic7IIZXouvy9dLRAa5GtEk1eD/LPWRiKh0SvJ3znPY/pSiQW9zSkXVdj9UGGM8qcKLzPGJ7gSmt3ZOPkFapk9wqFmhJwQj//xN5+hUlr2UiNPMNSHve5Y2ADLsNHqk5t7RfAZ8nW9/8lzhVt4t+toy1FeehxCGIC8qgmjIl1hg==',
  },
  response: {
    timestamp: 1635927956,
    body: '{"iv":"r2WDQt56rEAmMuoR","data":"HExs66Ik3el+iM4IpeQ7SMEN934FRLFYOd3EmeaIrpP4EPTHckoco6O+PaoRZRa3lqaPRZT7r52f7LUok6gLxc6cdR8C4vpIIfh4xfLC4L7FNy9GbuMK1hcoi8b7gkWJcwZMkuCFNEDmqn3T49oWzAQOrY4LZnnnykv6oUJotdAsnKvmoJkLK7hRh7M2B1d2UnTnRuoIyarXc5Iojwoghx4BOvnV","authtag":"z2BFD8QctKXTuBlhICGOjQ=="}',
    sha256: 'f797cafd9e323df336fb427569fbe67e20d5bc96dd68a3f54d66b54e6e08bb27',
    signature:
      'Ht0VfQkkEweJ4hU266C14Aj64H9AXfkwNi5zxUZETCvR2svU1ZYdosDhFX/voLj1TyszqKsVxAlENGt7PPZZ8RQX7jnA4SKhiPUhW4LTbyTenisHJ+ohSfDjYnXavjQsBHspFS+BlPHuSSJ2xyQzw1+HuC6nid09ZL4FnGSYo4OI5MJrSb9xLzIVZMIDuUQchGKi/KaB1KzxECLEZcfjqbAgmxC7qOmuBLyO1WkHYDM95NJrHJWba5xv4wrwPru9yYTJSNRnlM+zrW5w9pOubC4Jtj3szTAEuOz9AcqUmgaAvMLNAIa8hfODLRe3n/cu4SgYlN/ZkNRU4QXVNbPGMg==',
    plaintext: '{"_n":"ShYZpqdVgY+yQVAxNSWhYg","_appid":"wxba6223c06417af7b","_timestamp":1635927956,"errcode":0,"errmsg":"getuserriskrank succ","risk_rank":0,"unoin_id":2258658297}',
  },
};

const PSS = constants.RSA_PKCS1_PSS_PADDING;
/** An independent PSS check with node:crypto (salt length as given). */
const pssVerify = (key: string | KeyObject, text: string, sig: string, saltLength: number) =>
  verify('sha256', Buffer.from(text, 'utf8'), { key: typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key), padding: PSS, saltLength }, Buffer.from(sig, 'base64'));
const officialRequestBody = JSON.stringify({ iv: OFFICIAL.request.iv, data: OFFICIAL.request.data, authtag: OFFICIAL.request.authtag });

describe('API security primitives: the official worked example', () => {
  const key = apiSecurityAesKey(OFFICIAL.aesKey);

  it('AAD and signed text formats', () => {
    expect(apiSecurityAad(OFFICIAL.urlpath, OFFICIAL.appid, OFFICIAL.request.timestamp, OFFICIAL.aesSn)).toBe(
      'https://api.weixin.qq.com/wxa/getuserriskrank|wxba6223c06417af7b|1635927954|fa05fe1e5bcc79b81ad5ad4b58acf787',
    );
    expect(apiSecuritySignedText(OFFICIAL.urlpath, OFFICIAL.appid, 1, '{}')).toBe('https://api.weixin.qq.com/wxa/getuserriskrank\nwxba6223c06417af7b\n1\n{}');
  });

  it('AES256_GCM encryption gives the published ciphertext and authtag; the body is the published 324 bytes', () => {
    const aad = apiSecurityAad(OFFICIAL.urlpath, OFFICIAL.appid, OFFICIAL.request.timestamp, OFFICIAL.aesSn);
    const env = apiSecurityEncrypt(key, Buffer.from(OFFICIAL.request.iv, 'base64'), OFFICIAL.request.plaintext, aad);
    expect(env).toEqual({ iv: OFFICIAL.request.iv, data: OFFICIAL.request.data, authtag: OFFICIAL.request.authtag });
    expect(JSON.stringify(env)).toBe(officialRequestBody);
    expect(Buffer.byteLength(officialRequestBody)).toBe(324);
    expect(apiSecurityDecrypt(key, env, aad)).toBe(OFFICIAL.request.plaintext);
  });

  it('the published request signature verifies (PSS, salt 32) with the published private key\'s public half', () => {
    const text = apiSecuritySignedText(OFFICIAL.urlpath, OFFICIAL.appid, OFFICIAL.request.timestamp, officialRequestBody);
    const pub = createPublicKey(createPrivateKey(OFFICIAL.privateKey));
    expect(pssVerify(pub, text, OFFICIAL.request.signature, 32)).toBe(true);
    expect(apiSecurityVerify(pub, text, OFFICIAL.request.signature)).toBe(true);
    expect(apiSecurityVerify(pub, text.replace('1635927954', '1635927955'), OFFICIAL.request.signature)).toBe(false);
  });

  it('our signatures are PSS with salt 32 (checked independently), randomised, over the exact text', () => {
    const text = apiSecuritySignedText(OFFICIAL.urlpath, OFFICIAL.appid, OFFICIAL.request.timestamp, officialRequestBody);
    const a = apiSecuritySign(apiSecurityPrivateKey(OFFICIAL.privateKey), text);
    const b = apiSecuritySign(apiSecurityPrivateKey(OFFICIAL.privateKey), text);
    expect(a).not.toBe(b);
    const pub = createPublicKey(createPrivateKey(OFFICIAL.privateKey));
    for (const s of [a, b]) {
      expect(pssVerify(pub, text, s, 32)).toBe(true);
      expect(pssVerify(pub, `${text} `, s, 32)).toBe(false);
    }
  });

  it('the published reply: its hash H0, its signature under the platform certificate, its plaintext', () => {
    const text = apiSecuritySignedText(OFFICIAL.urlpath, OFFICIAL.appid, OFFICIAL.response.timestamp, OFFICIAL.response.body);
    expect(Buffer.byteLength(OFFICIAL.response.body)).toBe(292);
    expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(OFFICIAL.response.sha256);
    const cert = apiSecurityPublicKey(OFFICIAL.platformCert);
    expect(apiSecurityVerify(cert, text, OFFICIAL.response.signature)).toBe(true);
    expect(pssVerify(OFFICIAL.platformCert, text, OFFICIAL.response.signature, constants.RSA_PSS_SALTLEN_AUTO)).toBe(true);
    expect(apiSecurityVerify(cert, text.replace('"iv":"r2', '"iv":"R2'), OFFICIAL.response.signature)).toBe(false);
    const env = JSON.parse(OFFICIAL.response.body) as { iv: string; data: string; authtag: string };
    const aad = apiSecurityAad(OFFICIAL.urlpath, OFFICIAL.appid, OFFICIAL.response.timestamp, OFFICIAL.aesSn);
    expect(apiSecurityDecrypt(key, env, aad)).toBe(OFFICIAL.response.plaintext);
    // and independently with node:crypto
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(env.iv, 'base64'));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(Buffer.from(env.authtag, 'base64'));
    expect(Buffer.concat([d.update(Buffer.from(env.data, 'base64')), d.final()]).toString()).toBe(OFFICIAL.response.plaintext);
    // another AAD (another timestamp) does not authenticate
    expect(() => apiSecurityDecrypt(key, env, aad.replace('1635927956', '1635927957'))).toThrow();
  });

  it('key checks: a 32-byte base64 key, RSA keys only', () => {
    expect(() => apiSecurityAesKey('c2hvcnQ=')).toThrow(/32-byte/);
    expect(() => apiSecurityAesKey('not base64!')).toThrow(/32-byte/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    expect(() => apiSecurityPrivateKey(ec.privateKey)).toThrow(/RSA private key/);
    expect(() => apiSecurityPublicKey(ec.publicKey)).toThrow(/RSA/);
  });
});

// ---- the client on the official vectors ----

const OPTIONS: ApiSecurityOptions = {
  aesSn: OFFICIAL.aesSn,
  aesKey: OFFICIAL.aesKey,
  rsaSn: OFFICIAL.rsaSn,
  privateKey: OFFICIAL.privateKey,
  certSn: OFFICIAL.certSn,
  platformCert: OFFICIAL.platformCert,
};
const TOKEN = 'TOKEN-api-security-0123456789';
const OFFICIAL_REPLY_HEADERS = {
  'content-type': 'application/json',
  'Wechatmp-Appid': OFFICIAL.appid,
  'Wechatmp-TimeStamp': String(OFFICIAL.response.timestamp),
  'Wechatmp-Serial': OFFICIAL.certSn,
  'Wechatmp-Signature': OFFICIAL.response.signature,
};

interface Seen {
  url: URL;
  headers: Headers;
  text: string;
}

/** A client whose fetch records the calls and answers getuserriskrank with `reply` (the official reply by default). */
function officialClient(reply: { body?: string; headers?: Record<string, string | undefined> } = {}, apiSecurity: ApiSecurityOptions | null = OPTIONS, logger?: Logger) {
  const seen: Seen[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    seen.push({ url, headers: req.headers, text: await req.text() });
    if (url.pathname === '/cgi-bin/stable_token') return Response.json({ access_token: TOKEN, expires_in: 7200 });
    const headers = Object.fromEntries(Object.entries({ ...OFFICIAL_REPLY_HEADERS, ...(reply.headers ?? {}) }).filter((e): e is [string, string] => e[1] !== undefined));
    return new Response(reply.body ?? OFFICIAL.response.body, { status: 200, headers });
  };
  const mp = new MPTools({ appid: OFFICIAL.appid, secret: 'app-secret-0123456789abcdef', fetch, validateResponses: 'throw', retry: { retries: 2, minDelayMs: 1, maxDelayMs: 1 }, ...(apiSecurity ? { apiSecurity } : {}), ...(logger ? { logger } : {}) });
  return { mp, seen, calls: () => seen.filter((s) => s.url.pathname === '/wxa/getuserriskrank') };
}

const PARAMS = { openid: 'oEWzBfmdLqhFS2mTXCo2E4Y9gJAM', scene: 0 as const, client_ip: '127.0.0.1' };
const NOW_S = OFFICIAL.response.timestamp + 3;

describe('API security in the client (official vectors)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_S * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('seals the request: encrypted params, Wechatmp-* headers, a signature over the exact body; the access_token alone in the query', async () => {
    const { mp, calls } = officialClient();
    await mp.getUserRiskRank(PARAMS);
    const [call] = calls();
    expect(call).toBeDefined();
    const { url, headers, text } = call as Seen;
    expect([...url.searchParams.keys()]).toEqual(['access_token']);
    const env = JSON.parse(text) as { iv: string; data: string; authtag: string };
    expect(Object.keys(env)).toEqual(['iv', 'data', 'authtag']);
    expect(Buffer.from(env.iv, 'base64')).toHaveLength(12);
    expect(text).not.toContain('oEWzBfmdLqhFS2mTXCo2E4Y9gJAM');
    expect(headers.get('Wechatmp-Appid')).toBe(OFFICIAL.appid);
    expect(headers.get('Wechatmp-TimeStamp')).toBe(String(NOW_S));
    expect(headers.get('Wechatmp-Serial')).toBe(OFFICIAL.rsaSn);
    expect(headers.get('content-type')).toMatch(/application\/json/);
    const signed = `${OFFICIAL.urlpath}\n${OFFICIAL.appid}\n${NOW_S}\n${text}`;
    expect(pssVerify(createPrivateKey(OFFICIAL.privateKey), signed, headers.get('Wechatmp-Signature') ?? '', 32)).toBe(true);
    // decrypt independently: the params (appid filled in by the client), plus _n, _appid, _timestamp
    const d = createDecipheriv('aes-256-gcm', Buffer.from(OFFICIAL.aesKey, 'base64'), Buffer.from(env.iv, 'base64'));
    d.setAAD(Buffer.from(`${OFFICIAL.urlpath}|${OFFICIAL.appid}|${NOW_S}|${OFFICIAL.aesSn}`));
    d.setAuthTag(Buffer.from(env.authtag, 'base64'));
    const plain = JSON.parse(Buffer.concat([d.update(Buffer.from(env.data, 'base64')), d.final()]).toString()) as Record<string, unknown>;
    expect(plain).toMatchObject({ _appid: OFFICIAL.appid, _timestamp: NOW_S, appid: OFFICIAL.appid, ...PARAMS });
    expect(plain['_n']).toMatch(/^[A-Za-z0-9+/]{22}$/);
    expect(plain).not.toHaveProperty('access_token');
  });

  it('verifies and decrypts the published reply into the usual typed result (no _n/_appid/_timestamp)', async () => {
    const { mp } = officialClient();
    const r = await mp.getUserRiskRank(PARAMS);
    expect(r.errcode).toBe(0);
    expect(r.errmsg).toBe('getuserriskrank succ');
    expect(r.risk_rank).toBe(0);
    expect(r.unoin_id).toBe(2258658297);
    expect(r.resultJson).toEqual({ errcode: 0, errmsg: 'getuserriskrank succ', risk_rank: 0, unoin_id: 2258658297 });
  });

  it('a certificate rollover: the signature under Wechatmp-Signature-Deprecated with the configured certSn is accepted', async () => {
    const { mp } = officialClient({
      headers: { 'Wechatmp-Serial': 'some-newer-certificate-number', 'Wechatmp-Signature': 'AAAA', 'Wechatmp-Serial-Deprecated': OFFICIAL.certSn, 'Wechatmp-Signature-Deprecated': OFFICIAL.response.signature },
    });
    const r = await mp.getUserRiskRank(PARAMS);
    expect(r.risk_rank).toBe(0);
  });

  it('a newer certificate given in platformCerts is used by its number', async () => {
    const { mp } = officialClient({ headers: { 'Wechatmp-Serial': 'cert-2027' } }, { ...OPTIONS, certSn: 'cert-2022', platformCerts: { 'cert-2027': OFFICIAL.platformCert } });
    expect((await mp.getUserRiskRank(PARAMS)).risk_rank).toBe(0);
  });

  const tampered = OFFICIAL.response.body.replace('"iv":"r2', '"iv":"R2');
  const otherKey = Buffer.alloc(32, 7).toString('base64');
  it.each([
    ['a tampered body', { body: tampered }, OPTIONS, 'bad-signature'],
    ['a signature of another text', { headers: { 'Wechatmp-TimeStamp': String(OFFICIAL.response.timestamp + 1) } }, OPTIONS, 'bad-signature'],
    ['an unknown certificate number', { headers: { 'Wechatmp-Serial': 'not-a-known-certificate' } }, OPTIONS, 'unknown-certificate'],
    ['no signature on a success', { body: '{"errcode":0,"errmsg":"ok","risk_rank":4}', headers: { 'Wechatmp-Signature': undefined } }, OPTIONS, 'unsigned'],
    ['no signature on an envelope', { headers: { 'Wechatmp-Signature': undefined } }, OPTIONS, 'unsigned'],
    ["another app's Wechatmp-Appid", { headers: { 'Wechatmp-Appid': 'wx0000000000000000' } }, OPTIONS, 'appid-mismatch'],
    ['a key that does not decrypt it', {}, { ...OPTIONS, aesKey: otherKey }, 'decrypt'],
    ['another symmetric key number (AAD)', {}, { ...OPTIONS, aesSn: 'another-sn' }, 'decrypt'],
  ] as const)('%s is a WechatApiSecurityError, never retried', async (_name, reply, options, reason) => {
    const { mp, calls } = officialClient(reply, options);
    const err = await mp.getUserRiskRank(PARAMS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WechatApiSecurityError);
    expect(err).toBeInstanceOf(WechatToolsError);
    expect((err as WechatApiSecurityError).reason).toBe(reason);
    expect((err as WechatApiSecurityError).operation).toBe('getUserRiskRank');
    expect(calls()).toHaveLength(1);
  });

  it('a stale reply (older than maxReplyAgeSeconds) is refused', async () => {
    vi.setSystemTime((OFFICIAL.response.timestamp + 301) * 1000);
    const { mp } = officialClient();
    await expect(mp.getUserRiskRank(PARAMS)).rejects.toMatchObject({ name: 'WechatApiSecurityError', reason: 'stale' });
    const { mp: lenient } = officialClient({}, { ...OPTIONS, maxReplyAgeSeconds: 600 });
    expect((await lenient.getUserRiskRank(PARAMS)).risk_rank).toBe(0);
  });

  it('an unsigned plain error (the channel\'s own errcodes) is the usual WechatResult', async () => {
    const { mp } = officialClient({ body: '{"errcode":40234,"errmsg":"API_Invalid_Signature rid: 6592d9a9-1bb4d1d8-0c5a0ae2"}', headers: { 'Wechatmp-Signature': undefined } });
    const r = (await mp.getUserRiskRank(PARAMS)) as WechatResult;
    expect(r.errcode).toBe(40234);
    expect(r.ok).toBe(false);
  });

  it('a token error in the clear refreshes the token and seals the retry afresh', async () => {
    let n = 0;
    const seen: Seen[] = [];
    const fetch = async (req: Request): Promise<Response> => {
      const url = new URL(req.url);
      seen.push({ url, headers: req.headers, text: await req.text() });
      if (url.pathname === '/cgi-bin/stable_token') return Response.json({ access_token: `${TOKEN}-${++n}`, expires_in: 7200 });
      if (seen.filter((s) => s.url.pathname === '/wxa/getuserriskrank').length === 1) return Response.json({ errcode: 40001, errmsg: 'invalid credential rid: 1-2-3' });
      return new Response(OFFICIAL.response.body, { status: 200, headers: OFFICIAL_REPLY_HEADERS });
    };
    const mp = new MPTools({ appid: OFFICIAL.appid, secret: 'app-secret-0123456789abcdef', fetch, apiSecurity: OPTIONS });
    const r = await mp.getUserRiskRank(PARAMS);
    expect(r.risk_rank).toBe(0);
    const calls = seen.filter((s) => s.url.pathname === '/wxa/getuserriskrank');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.text).not.toBe(calls[1]?.text); // a new iv and nonce each attempt
    expect(calls[1]?.url.searchParams.get('access_token')).toBe(`${TOKEN}-2`);
  });
});

describe('API security: which endpoints, and refusals before any request', () => {
  it('a supported endpoint without options.apiSecurity is plain JSON', async () => {
    const { mp, calls } = officialClient({ body: '{"errcode":0,"errmsg":"ok","risk_rank":1,"unoin_id":5}', headers: { 'Wechatmp-Signature': undefined } }, null);
    const r = await mp.getUserRiskRank(PARAMS);
    expect(r.risk_rank).toBe(1);
    const [call] = calls();
    expect(JSON.parse(call?.text ?? '{}')).toEqual({ appid: OFFICIAL.appid, ...PARAMS });
    expect(call?.headers.get('Wechatmp-Signature')).toBeNull();
  });

  it('an endpoint not marked is never sealed, even with options.apiSecurity', async () => {
    const { mp, seen } = officialClient({ body: '{"errcode":0,"errmsg":"ok"}', headers: { 'Wechatmp-Signature': undefined } });
    await mp.call('msgSecCheck', { content: 'hello', version: 2, scene: 1, openid: 'o-1' }, { throwOnError: false });
    const call = seen.find((s) => s.url.pathname === '/wxa/msg_sec_check');
    expect(call?.headers.get('Wechatmp-Signature')).toBeNull();
    expect(JSON.parse(call?.text ?? '{}')).toMatchObject({ content: 'hello' });
  });

  it('a required endpoint (intra-city delivery) without options.apiSecurity: WechatValidationError, no request', async () => {
    const { mp, seen } = officialClient({}, null);
    const err = await mp.intracityGetCity({ service_trans_id: 'SFTC' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as Error).message).toMatch(/intracityGetCity/);
    expect((err as Error).message).toMatch(/options\.apiSecurity/);
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['a missing aesSn', { ...OPTIONS, aesSn: '' }, /options\.apiSecurity\.aesSn is required/],
    ['a short aesKey', { ...OPTIONS, aesKey: 'c2hvcnQ=' }, /options\.apiSecurity\.aesKey must be a base64 32-byte key/],
    ['a privateKey that is not a key', { ...OPTIONS, privateKey: '-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----' }, /options\.apiSecurity\.privateKey/],
    ['a platformCert that is not a certificate', { ...OPTIONS, platformCert: 'not a certificate' }, /options\.apiSecurity\.platformCert/],
    ['SM4_GCM', { ...OPTIONS, algorithm: 'SM4_GCM' as unknown as 'AES256_GCM' }, /only 'AES256_GCM'/],
    ['a non-positive maxReplyAgeSeconds', { ...OPTIONS, maxReplyAgeSeconds: 0 }, /maxReplyAgeSeconds/],
  ])('%s is refused when the client is made, naming the option', (_name, options, message) => {
    let err: unknown;
    try {
      new MPTools({ appid: OFFICIAL.appid, apiSecurity: options });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WechatToolsError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('BEGIN');
    expect((err as Error).message).not.toContain(OPTIONS.aesKey);
  });
});

describe('API security keys are never shown', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_S * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const secrets = [OFFICIAL.aesKey, OFFICIAL.aesSn, OFFICIAL.rsaSn, OFFICIAL.certSn, 'MIIEowIBAAKCAQEA3FoQOmOl5', 'MIID0jCCArqgAwIBAgIUeE', Buffer.from(OFFICIAL.aesKey, 'base64').toString('hex')];
  const shows = (text: string) => secrets.filter((s) => text.includes(s));

  it('not in util.inspect or JSON.stringify of the client, nor in debug logs of a sealed call', async () => {
    const lines: string[] = [];
    const log = (o: unknown, m?: string) => lines.push(`${JSON.stringify(o)} ${m ?? ''}`);
    const logger: Logger = { debug: log, info: log, warn: log, error: log };
    const { mp } = officialClient({}, OPTIONS, logger);
    expect(shows(inspect(mp, { depth: 10, showHidden: true }))).toEqual([]);
    expect(shows(JSON.stringify(mp))).toEqual([]);
    await mp.getUserRiskRank(PARAMS);
    expect(lines.length).toBeGreaterThan(0);
    expect(shows(lines.join('\n'))).toEqual([]);
  });

  it('not in the errors of a failed call (message, JSON, inspect, cause)', async () => {
    const { mp } = officialClient({ body: OFFICIAL.response.body.replace('"iv":"r2', '"iv":"R2') });
    const err = await mp.getUserRiskRank(PARAMS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatApiSecurityError);
    expect(shows(`${(err as Error).message}\n${JSON.stringify(err)}\n${inspect(err, { depth: 10 })}`)).toEqual([]);
    const { mp: wrongKey } = officialClient({}, { ...OPTIONS, aesKey: Buffer.alloc(32, 7).toString('base64') });
    const err2 = await wrongKey.getUserRiskRank(PARAMS).catch((e: unknown) => e);
    expect((err2 as WechatApiSecurityError).reason).toBe('decrypt');
    expect(shows(`${(err2 as Error).message}\n${JSON.stringify(err2)}\n${inspect(err2, { depth: 10 })}`)).toEqual([]);
    expect((err2 as Error).cause).toBeUndefined();
  });
});
