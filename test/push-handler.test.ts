// The push handler over HTTP (a real loopback port, Node adapter) and the Web adapter: GET
// verification, POST in each mode, typed messages, dedupe, replies, limits, and inert XML attacks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushHandler, reply, WechatCrypto, type PushMessage } from '../src/index.js';

const token = 'AAAAA';
const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const appid = 'wx0000mock0000app';
const crypto = new WechatCrypto({ token, encodingAESKey, appid });
const received: PushMessage[] = [];
let throwNext = false;

// allowPlaintext: this one handler also serves the plaintext cases (test/adversarial/push-downgrade.test.ts covers the default refusal)
const handler = createPushHandler({ token, encodingAESKey, appid, maxBodyBytes: 64 * 1024, allowPlaintext: true }, (m) => {
  received.push(m);
  if (throwNext) {
    throwNext = false;
    throw new Error('app failure');
  }
  if (m.kind === 'text') return reply.text(`echo: ${m.Content}`);
  if (m.kind === 'event:subscribe') return reply.news([{ title: 'Welcome', url: 'https://example.com' }]);
  return undefined;
});

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => void handler.node(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ts = () => String(Math.floor(Date.now() / 1000));
let seq = 1234567890123456000n;
const textXml = (content: string, msgId = String(seq++)) =>
  `<xml><ToUserName><![CDATA[gh_app]]></ToUserName><FromUserName><![CDATA[openid_1]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

function plainUrl(timestamp = ts(), nonce = 'n1'): string {
  return `${base}?signature=${crypto.signature(timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&openid=openid_1`;
}

function safeRequest(inner: string): { url: string; body: string } {
  const timestamp = ts();
  const nonce = 'n2';
  const encrypt = crypto.encrypt(inner);
  return {
    url: `${base}?signature=${crypto.signature(timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}&encrypt_type=aes&msg_signature=${crypto.msgSignature(timestamp, nonce, encrypt)}`,
    body: `<xml><ToUserName><![CDATA[gh_app]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}

describe('GET URL verification', () => {
  it('answers echostr when the signature matches', async () => {
    // the official vector is from 2024: outside the default 300 s window, so a handler without the window replays it
    const vectors = createPushHandler({ token, appid, maxSkewSeconds: false }, () => undefined);
    const r = await vectors.fetch(new Request(`${base}?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492`));
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('4375120948345356249');
  });
  it('refuses a wrong signature', async () => {
    const r = await fetch(`${base}?signature=deadbeef&echostr=1&timestamp=${ts()}&nonce=1514711492`);
    expect(r.status).toBe(401);
  });
});

describe('POST', () => {
  it('plaintext: parses a typed text message (64-bit MsgId kept) and replies with To/From swapped', async () => {
    const r = await fetch(plainUrl(), { method: 'POST', body: textXml('hello', '1234567890123456789') });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain('<ToUserName><![CDATA[openid_1]]></ToUserName><FromUserName><![CDATA[gh_app]]></FromUserName>');
    expect(body).toContain('<Content><![CDATA[echo: hello]]></Content>');
    const m = received.at(-1);
    expect(m?.kind).toBe('text');
    if (m?.kind === 'text') {
      expect(m.MsgId).toBe('1234567890123456789');
      expect(m.CreateTime).toBe(1348831860);
    }
  });

  it('safe mode: checks msg_signature, decrypts, and encrypts the reply', async () => {
    const { url, body } = safeRequest(textXml('secret hello'));
    const r = await fetch(url, { method: 'POST', body });
    const out = await r.text();
    expect(r.status).toBe(200);
    const enc = /<Encrypt><!\[CDATA\[(.+?)\]\]><\/Encrypt>/.exec(out)?.[1] ?? '';
    const sig = /<MsgSignature><!\[CDATA\[(.+?)\]\]>/.exec(out)?.[1];
    const t = /<TimeStamp>(\d+)<\/TimeStamp>/.exec(out)?.[1] ?? '';
    const n = /<Nonce><!\[CDATA\[(.+?)\]\]>/.exec(out)?.[1] ?? '';
    expect(sig).toBe(crypto.msgSignature(t, n, enc));
    expect(crypto.decrypt(enc)).toContain('<Content><![CDATA[echo: secret hello]]></Content>');
  });

  it('safe mode ignores `signature` and rejects a bad msg_signature', async () => {
    const { url, body } = safeRequest(textXml('x'));
    const r = await fetch(url.replace(/msg_signature=[0-9a-f]+/, 'msg_signature=0000'), { method: 'POST', body });
    expect(r.status).toBe(401);
  });

  it('compatible mode (plaintext fields and Encrypt in one body) is handled as safe mode', async () => {
    const inner = textXml('compat');
    const { url, body } = safeRequest(inner);
    const compat = body.replace('</xml>', `${inner.slice(5, -6)}</xml>`);
    const r = await fetch(url, { method: 'POST', body: compat });
    expect(r.status).toBe(200);
    expect(crypto.decrypt(/<Encrypt><!\[CDATA\[(.+?)\]\]>/.exec(await r.text())?.[1] ?? '')).toContain('echo: compat');
  });

  it('an event: typed, with a news reply', async () => {
    const xml = '<xml><ToUserName><![CDATA[gh_app]]></ToUserName><FromUserName><![CDATA[u2]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>';
    const r = await fetch(plainUrl(), { method: 'POST', body: xml });
    expect(await r.text()).toContain('<ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[Welcome]]></Title>');
    const m = received.at(-1);
    expect(m?.kind).toBe('event:subscribe');
    if (m?.kind === 'event:subscribe') expect(m.EventKey).toBe('qrscene_123123');
  });

  it('an unknown type still arrives, with its raw fields', async () => {
    const xml = '<xml><ToUserName>gh_app</ToUserName><FromUserName>u3</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>brand_new_event</Event><Foo>bar</Foo></xml>';
    const r = await fetch(plainUrl(), { method: 'POST', body: xml });
    expect(await r.text()).toBe('success');
    const m = received.at(-1) as Record<string, unknown>;
    expect(m['kind']).toBe('unknown');
    expect(m['Foo']).toBe('bar');
  });

  it("WeChat's retries of one message are handled once", async () => {
    const before = received.length;
    const xml = textXml('dup', '9999999999999999999');
    const bodies = await Promise.all([1, 2, 3].map(() => fetch(plainUrl(), { method: 'POST', body: xml }).then((r) => r.text())));
    expect(received.length - before).toBe(1);
    expect(bodies.filter((b) => b === 'success').length).toBe(2);
  });

  it('a failing onMessage answers 500 and the retry is handled again', async () => {
    const before = received.length;
    throwNext = true;
    const xml = textXml('retry me');
    expect((await fetch(plainUrl(), { method: 'POST', body: xml })).status).toBe(500);
    expect((await fetch(plainUrl(), { method: 'POST', body: xml })).status).toBe(200);
    expect(received.length - before).toBe(2);
  });

  it.each([
    ['an empty body', '', 400],
    ['garbage', 'not xml at all', 400],
    ['a body over the limit', `<xml>${'a'.repeat(70 * 1024)}</xml>`, 413],
  ])('%s → %i', async (_n, body, status) => {
    expect((await fetch(plainUrl(), { method: 'POST', body })).status).toBe(status);
  });

  it('a wrong method → 405', async () => {
    expect((await fetch(plainUrl(), { method: 'PUT', body: 'x' })).status).toBe(405);
  });

  it.each([
    ['XXE', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>'],
    ['billion laughs', `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol9;</Content><MsgId>2</MsgId></xml>`],
  ])('%s stays inert (refused, nothing expanded)', async (_n, body) => {
    const before = received.length;
    const r = await fetch(plainUrl(), { method: 'POST', body });
    expect(r.status).toBe(400);
    expect(received.length).toBe(before);
  });
});

describe('Web adapter (Request → Response) and JSON format', () => {
  const vectorB = {
    url: 'https://example.com/push?signature=6c5c811b55cc85e0e1b54100749188c20beb3f5d&timestamp=1714112445&nonce=415670741&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=046e02f8204d34f8ba5fa3b1db94908f3df2e9b3',
    body: '{"ToUserName":"gh_97417a04a28d","Encrypt":"+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="}',
  };
  it('the official JSON safe-mode push (vector B) arrives typed as debug_demo or unknown with its fields', async () => {
    const got: PushMessage[] = [];
    const mp = createPushHandler({ token: 'AAAAA', encodingAESKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', appid: 'wxba5fad812f8e6fb9', format: 'json', maxSkewSeconds: false }, (m) => {
      got.push(m);
      return reply.text('ok');
    });
    const r = await mp.fetch(new Request(vectorB.url, { method: 'POST', body: vectorB.body }));
    expect(r.status).toBe(200);
    const out = (await r.json()) as { Encrypt: string; MsgSignature: string; TimeStamp: number; Nonce: string };
    expect(Object.keys(out)).toEqual(['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce']);
    const m = got[0] as unknown as Record<string, unknown>;
    expect(m['Event']).toBe('debug_demo');
    expect(m['debug_str']).toBe('hello world');
    expect(m['CreateTime']).toBe(1714112445);
  });
});
