// WXBizMsgCrypt with known-answer vectors from WeChat's message-encryption docs and sample code.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WechatCrypto, WechatPushError } from '../src/index.js';

const B = {
  token: 'AAAAA',
  key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  appid: 'wxba5fad812f8e6fb9',
  timestamp: '1714112445',
  nonce: '415670741',
  msgSignature: '046e02f8204d34f8ba5fa3b1db94908f3df2e9b3',
  encrypt:
    '+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=',
  message: '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}',
  reply: '{"demo_resp":"good luck"}',
  replyRandom: '707722b803182950',
  replyEncrypt: 'ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==',
  replySignature: '1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1',
};

describe('known answers', () => {
  const c = new WechatCrypto({ token: B.token, encodingAESKey: B.key, appid: B.appid });

  it('URL verification signature (official MP push doc)', () => {
    expect(c.signature('1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
    expect(c.signature('1714037059', '486452656')).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
    expect(new WechatCrypto({ token: '123', appid: 'x' }).signature('789', '456')).toBe('f7c3bc1d808e04732adf679965ccc34ca7ae3441');
  });

  it('JSON safe mode: msg_signature and decrypt (vector B, pad 19)', () => {
    expect(c.msgSignature(B.timestamp, B.nonce, B.encrypt)).toBe(B.msgSignature);
    expect(c.decrypt(B.encrypt)).toBe(B.message);
  });

  it('the reply of vector B encrypts to the official bytes', () => {
    expect(c.encrypt(B.reply, Buffer.from(B.replyRandom, 'utf8'))).toBe(B.replyEncrypt);
    expect(c.msgSignature('1713424427', '415670741', B.replyEncrypt)).toBe(B.replySignature);
  });

  it('deterministic encrypt (vector D, WxJava)', () => {
    const d = new WechatCrypto({ token: 'pamtest', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appid: 'wxb11529c136998cb6' });
    const enc = d.encrypt('我是中文abcd123', Buffer.from('aaaabbbbccccdddd', 'utf8'));
    expect(enc).toBe('jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
    expect(d.msgSignature('1409304348', 'xxxxxx', enc)).toBe('82c962d39941aa48552f90ef55aa323dc620cc10');
    expect(d.decrypt(enc)).toBe('我是中文abcd123');
  });
});

describe('round trips', () => {
  it('every pad length 1..32 and random payloads', () => {
    const c = new WechatCrypto({ token: 't', encodingAESKey: randomBytes(32).toString('base64').slice(0, 43), appid: 'wx1234567890abcdef' });
    const pads = new Set<number>();
    for (let len = 0; len < 96; len++) {
      const msg = randomBytes(len).toString('hex').slice(0, len);
      const enc = c.encrypt(msg);
      pads.add(32 - ((20 + Buffer.byteLength(msg) + 18) % 32));
      expect(c.decrypt(enc)).toBe(msg);
    }
    expect(pads.size).toBe(32);
    for (let i = 0; i < 200; i++) {
      const msg = randomBytes(1 + (i % 300)).toString('base64') + '中文';
      expect(c.decrypt(c.encrypt(msg))).toBe(msg);
    }
  });
});

describe('typed failures', () => {
  const c = new WechatCrypto({ token: B.token, encodingAESKey: B.key, appid: B.appid });
  const other = new WechatCrypto({ token: B.token, encodingAESKey: B.key, appid: 'wx_other' });
  const cases: [string, () => unknown, string][] = [
    ['bad signature', () => c.verifyMsgSignature('0'.repeat(40), B.timestamp, B.nonce, B.encrypt), 'bad_signature'],
    ['bad appid', () => other.decrypt(B.encrypt), 'bad_appid'],
    ['bad base64', () => c.decrypt('not*base64!'), 'bad_base64'],
    ['bad length', () => c.decrypt(Buffer.alloc(20).toString('base64')), 'bad_length'],
    ['bad padding', () => c.decrypt(Buffer.alloc(32, 7).toString('base64')), 'bad_padding'],
    ['bad key length', () => new WechatCrypto({ token: 't', encodingAESKey: 'short', appid: 'a' }), 'bad_key_length'],
    ['stale timestamp', () => new WechatCrypto({ token: 't', appid: 'a', maxSkewSeconds: 300 }).verifySignature(new WechatCrypto({ token: 't', appid: 'a' }).signature('1000', 'n'), '1000', 'n'), 'stale_timestamp'],
  ];
  it.each(cases)('%s', (_n, fn, reason) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WechatPushError);
    expect((err as WechatPushError).reason).toBe(reason);
    expect((err as Error).message).not.toContain(B.key);
  });
});
