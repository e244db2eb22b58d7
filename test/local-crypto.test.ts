// Local helpers with the official known-answer vectors (WeChat's open-data aes-sample and user-state signature examples).
import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsSdkSignature, MPTools, WechatDecryptError } from '../src/index.js';

const V6 = {
  appId: 'wx4f4bc4dec97d474b',
  sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
  iv: 'r7BXXKkLb8qrSNn05n0qiA==',
  encryptedData:
    'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==',
};

describe('decryptData (official aes-sample vector)', () => {
  const mp = new MPTools({ appid: V6.appId });
  it('decrypts and checks the watermark', () => {
    const data = mp.decryptData<{ openId: string; nickName: string; unionId: string }>(V6.encryptedData, V6.iv, V6.sessionKey);
    expect(data.openId).toBe('oGZUI0egBJY1zhBYw2KhdUfwVJJE');
    expect(data.nickName).toBe('Band');
    expect(data.unionId).toBe('ocMvos6NjeKLIBqg5Mr9QjxrP1FA');
    expect(data.watermark).toEqual({ timestamp: 1477314187, appid: V6.appId });
  });

  it.each([
    ['a foreign appid', new MPTools({ appid: 'wx_other' }), V6.encryptedData, V6.iv, V6.sessionKey, 'appid_mismatch'],
    ['a short key', mp, V6.encryptedData, V6.iv, 'AAAA', 'bad_key'],
    ['a non-base64 iv', mp, V6.encryptedData, 'not base64!', V6.sessionKey, 'bad_iv'],
    ['truncated data', mp, V6.encryptedData.slice(0, 40), V6.iv, V6.sessionKey, 'bad_data'],
    ['a wrong key', mp, V6.encryptedData, V6.iv, 'AAAAAAAAAAAAAAAAAAAAAA==', 'bad_padding'],
  ] as const)('%s → WechatDecryptError(%s)', (_name, client, data, iv, key, reason) => {
    const err = (() => {
      try {
        client.decryptData(data, iv, key);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(WechatDecryptError);
    expect((err as WechatDecryptError).reason).toBe(reason);
    expect((err as Error).message).not.toContain(V6.sessionKey);
  });

  it('valid padding around non-JSON → bad_json', () => {
    const key = Buffer.from(V6.sessionKey, 'base64');
    const iv = Buffer.from(V6.iv, 'base64');
    const c = createCipheriv('aes-128-cbc', key, iv);
    const enc = Buffer.concat([c.update('not json at all'), c.final()]).toString('base64');
    expect(() => mp.decryptData(enc, V6.iv, V6.sessionKey)).toThrow(expect.objectContaining({ reason: 'bad_json' }));
  });
});

describe('signatures', () => {
  const mp = new MPTools({ appid: 'wx' });
  it('userStateSignature: official example and the checksession value', () => {
    expect(mp.userStateSignature('o0q0otL8aEzpcZL/FT9WsQ==', '{"foo":"bar"}')).toBe('654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b');
    expect(mp.userStateSignature('o0q0otL8aEzpcZL/FT9WsQ==')).toBe('46e043c5525c2d817c44be603d30837a808a1d930d038f6fdc3e62a201fed128');
    expect(mp.userStateSignature('tiihtNczf5v6AKRyjwEUhQ==', '')).toBe('7154f9f8b4b76b92f541cbf0e37d48840fa06e5e42da92a6f80168a1516a4735');
  });

  it('verifyRawDataSignature: sha1(rawData + session_key), constant-time', () => {
    const rawData = '{"nickName":"Band","gender":1}';
    const sig = '1d1c7d4b3a0b9f5c3c4f1d7a8e8a2f1c2a9b3c4d';
    expect(mp.verifyRawDataSignature(rawData, V6.sessionKey, sig)).toBe(false);
    const good = createHash('sha1').update(rawData + V6.sessionKey).digest('hex');
    expect(mp.verifyRawDataSignature(rawData, V6.sessionKey, good)).toBe(true);
    expect(mp.verifyRawDataSignature(rawData, V6.sessionKey, 'short')).toBe(false);
  });

  it('JS-SDK signature: the official 附录1 example', () => {
    expect(
      jsSdkSignature({
        ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
        nonceStr: 'Wm3WZYTPz0wzccnW',
        timestamp: 1414587457,
        url: 'http://mp.weixin.qq.com?params=value#fragment-dropped',
      }),
    ).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });
});
