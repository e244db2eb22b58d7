// Fuzz: 12,000 mutated push requests (signatures, base64, appids, XML/JSON garbage, huge bodies,
// query strings) through the handler core. Each one settles with a clean status: never a crash, a
// hang, a 500, or an unhandled rejection.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPushHandler, reply, WechatCrypto } from '../src/index.js';

const token = 'fuzzToken';
const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const appid = 'wxfuzzfuzzfuzz0001';
const crypto = new WechatCrypto({ token, encodingAESKey, appid });
const foreign = new WechatCrypto({ token, encodingAESKey, appid: 'wx_someone_else' });

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N = 12_000;

describe('push fuzz', () => {
  it(`${N} mutated requests all get a clean answer`, async () => {
    const random = rng(7);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
    let handled = 0;
    const handlers = (['xml', 'json'] as const).map((format) => createPushHandler({ token, encodingAESKey, appid, format, maxBodyBytes: 32 * 1024, dedupe: false, allowPlaintext: true, maxSkewSeconds: false }, () => {
      handled++;
      return reply.text('ok');
    }));
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const statuses = new Map<number, number>();
    const inner = (n: number) => `<xml><ToUserName>gh</ToUserName><FromUserName>u${n}</FromUserName><CreateTime>${n}</CreateTime><MsgType>text</MsgType><Content>c${n}</Content><MsgId>${n}</MsgId></xml>`;
    const mutate = (s: string): string => {
      const ops = [
        () => s.slice(0, Math.floor(random() * s.length)),
        () => s + randomBytes(1 + Math.floor(random() * 8)).toString('base64'),
        () => { const i = Math.floor(random() * s.length); return s.slice(0, i) + String.fromCharCode(32 + Math.floor(random() * 95)) + s.slice(i + 1); },
        () => s.split('').reverse().join(''),
        () => '',
        () => s.replace(/[A-Za-z]/, '!'),
      ];
      return pick(ops)();
    };
    try {
      for (let i = 0; i < N; i++) {
        const h = pick(handlers);
        const t = String(1_700_000_000 + i);
        const nonce = String(i);
        const scenario = i % 8;
        let query = new URLSearchParams();
        let body = '';
        let method = 'POST';
        const encrypt = (i % 3 === 0 ? foreign : crypto).encrypt(random() < 0.5 ? inner(i) : JSON.stringify({ ToUserName: 'gh', FromUserName: `u${i}`, CreateTime: i, MsgType: 'text', Content: 'x', MsgId: i }));
        switch (scenario) {
          case 0: // valid-ish safe mode, mutated Encrypt
            query = new URLSearchParams({ timestamp: t, nonce, encrypt_type: 'aes', msg_signature: crypto.msgSignature(t, nonce, encrypt) });
            body = random() < 0.5 ? `<xml><Encrypt><![CDATA[${mutate(encrypt)}]]></Encrypt></xml>` : JSON.stringify({ Encrypt: mutate(encrypt) });
            break;
          case 1: { // correct signature over a mutated Encrypt: exercises decrypt failures
            const m = mutate(encrypt);
            query = new URLSearchParams({ timestamp: t, nonce, encrypt_type: 'aes', msg_signature: crypto.msgSignature(t, nonce, m) });
            body = random() < 0.5 ? `<xml><Encrypt><![CDATA[${m}]]></Encrypt></xml>` : JSON.stringify({ Encrypt: m });
            break;
          }
          case 2: // plaintext, mutated signature
            query = new URLSearchParams({ timestamp: t, nonce, signature: mutate(crypto.signature(t, nonce)) });
            body = inner(i);
            break;
          case 3: // plaintext, valid signature, garbage XML/JSON body
            query = new URLSearchParams({ timestamp: t, nonce, signature: crypto.signature(t, nonce) });
            body = mutate(random() < 0.5 ? inner(i) : JSON.stringify({ MsgType: 'text', FromUserName: 'u' }));
            break;
          case 4: // huge body
            query = new URLSearchParams({ timestamp: t, nonce, signature: crypto.signature(t, nonce) });
            body = `<xml>${'x'.repeat(33 * 1024 + Math.floor(random() * 4096))}</xml>`;
            break;
          case 5: // mutated query string
            query = new URLSearchParams(mutate(`timestamp=${t}&nonce=${nonce}&signature=${crypto.signature(t, nonce)}&encrypt_type=aes&msg_signature=abc`));
            body = inner(i);
            break;
          case 6: // GET verification, mutated
            method = random() < 0.9 ? 'GET' : pick(['PUT', 'DELETE', 'PATCH']);
            query = new URLSearchParams({ timestamp: t, nonce, signature: random() < 0.5 ? crypto.signature(t, nonce) : mutate(crypto.signature(t, nonce)), echostr: String(i) });
            break;
          default: // valid plaintext
            query = new URLSearchParams({ timestamp: t, nonce, signature: crypto.signature(t, nonce) });
            body = inner(i);
        }
        const res = await h.handle({ method, query, body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([200, 400, 401, 405, 413]).toContain(res.status);
      }
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(N);
    expect(statuses.get(200)).toBeGreaterThan(N / 10);
    expect((statuses.get(400) ?? 0) + (statuses.get(401) ?? 0)).toBeGreaterThan(N / 3);
    expect(statuses.get(413)).toBeGreaterThan(N / 20);
    expect(handled).toBeGreaterThan(0);
    console.log(`push fuzz: ${N} requests → ${JSON.stringify(Object.fromEntries([...statuses.entries()].sort()))}`);
  });
});
