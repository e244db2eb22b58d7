// Issue 13 item 6: a handler with an EncodingAESKey must not run onMessage on a plaintext body that
// only `signature` (token, timestamp, nonce — not the body) vouches for, and a captured URL expires.
import { describe, expect, it, vi } from 'vitest';
import { createPushHandler, type PushMessage } from '../../src/index.js';
import { appid, crypto, encodingAESKey, now, plainQuery, post, safeParts, textXml, token } from './push-helpers.js';

describe('safe-mode downgrade', () => {
  it('a plaintext body under a URL from an access log is refused when the handler has an EncodingAESKey', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, encodingAESKey, appid }, (m) => void got.push(m));
    const forged = textXml('transfer all the money', '1000000000000000001');
    const r = await push.fetch(post(plainQuery(), forged));
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/not encrypted/i);
    expect(got).toHaveLength(0);
  });

  it('safe mode without msg_signature (encrypt_type=aes only) is refused', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, encodingAESKey, appid }, (m) => void got.push(m));
    const { query, body } = safeParts(textXml('x', '1000000000000000002'));
    query.delete('msg_signature');
    expect((await push.fetch(post(query, body))).status).toBe(401);
    expect(got).toHaveLength(0);
  });

  it('plaintext is accepted only with the explicit allowPlaintext opt-in', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, encodingAESKey, appid, allowPlaintext: true }, (m) => void got.push(m));
    expect((await push.fetch(post(plainQuery(), textXml('while switching modes', '1000000000000000003')))).status).toBe(200);
    expect(got).toHaveLength(1);
  });

  it('a correctly signed safe-mode request from an hour ago is refused by default (300 s window)', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, encodingAESKey, appid }, (m) => void got.push(m));
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const { query, body } = safeParts(textXml('replayed', '1000000000000000004'), 'xml', old);
    const r = await push.fetch(post(query, body));
    expect(r.status).toBe(401);
    expect(await r.text()).toMatch(/^stale_timestamp/);
    expect(got).toHaveLength(0);
    const fresh = safeParts(textXml('fresh', '1000000000000000005'), 'xml', now());
    expect((await push.fetch(post(fresh.query, fresh.body))).status).toBe(200);
    expect(got).toHaveLength(1);
  });

  it('a plaintext handler (no key) also refuses a captured URL once it is older than maxSkewSeconds', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, appid, maxSkewSeconds: 60 }, (m) => void got.push(m));
    const old = String(Math.floor(Date.now() / 1000) - 61);
    expect((await push.fetch(post(plainQuery(old), textXml('x', '1000000000000000006')))).status).toBe(401);
    expect(got).toHaveLength(0);
    // maxSkewSeconds: false turns the window off (e.g. to replay WeChat's published vectors)
    const open = createPushHandler({ token, appid, maxSkewSeconds: false }, (m) => void got.push(m));
    expect((await open.fetch(post(plainQuery('1714037059', 'n'), textXml('x', '1000000000000000007')))).status).toBe(200);
  });

  it('GET URL verification is held to the same window', async () => {
    const push = createPushHandler({ token, encodingAESKey, appid }, () => undefined);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const q = (t: string) => `https://example.com/wechat?signature=${crypto.signature(t, 'nn')}&timestamp=${t}&nonce=nn&echostr=42`;
    expect((await push.fetch(new Request(q(old)))).status).toBe(401);
    const ok = await push.fetch(new Request(q(now())));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('42');
  });

  it('a captured safe-mode request replayed 2 minutes later (inside the window) is still a duplicate', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, encodingAESKey, appid }, (m) => void got.push(m));
    const { query, body } = safeParts(textXml('pay once', '1000000000000000008'));
    expect((await push.fetch(post(query, body))).status).toBe(200);
    vi.setSystemTime(Date.now() + 120_000); // Date only: timers stay real
    try {
      const replay = await push.fetch(post(query, body));
      expect(replay.status).toBe(200);
      expect(await replay.text()).toBe('success');
    } finally {
      vi.useRealTimers();
    }
    expect(got).toHaveLength(1);
  });
});
