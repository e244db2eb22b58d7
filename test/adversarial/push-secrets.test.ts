// Issue 13: the push Token and EncodingAESKey never show through console.log, util.inspect or
// JSON.stringify of WechatCrypto, of the handler, or of what they throw.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createPushHandler, WechatCrypto, WechatPushError } from '../../src/index.js';

const token = 'PushTokenSecretValue42';
const encodingAESKey = 'SecretAESKeyabcdefghijklmnopqrstuvwxyz01234';

function views(x: unknown): string[] {
  return [inspect(x, { depth: 10, showHidden: true }), JSON.stringify(x) ?? '', String(x), `${inspect(x)}`];
}

describe('push secrets stay out of sight', () => {
  it('WechatCrypto', () => {
    const c = new WechatCrypto({ token, encodingAESKey, appid: 'wxapp' });
    for (const v of views(c)) {
      expect(v).not.toContain(token);
      expect(v).not.toContain(encodingAESKey);
      expect(v).not.toContain(Buffer.from(`${encodingAESKey}=`, 'base64').toString('hex'));
    }
    expect(Object.values(c)).not.toContain(token);
    expect((c as unknown as Record<string, unknown>)['token']).toBeUndefined();
  });

  it('the push handler', () => {
    const h = createPushHandler({ token, encodingAESKey, appid: 'wxapp' }, () => undefined);
    for (const v of views(h)) {
      expect(v).not.toContain(token);
      expect(v).not.toContain(encodingAESKey);
    }
  });

  it('errors from a bad configuration', () => {
    const errors: unknown[] = [];
    for (const make of [() => new WechatCrypto({ token, encodingAESKey: `${encodingAESKey}x`, appid: 'a' }), () => new WechatCrypto({ token: '', encodingAESKey, appid: 'a' })]) {
      try {
        make();
      } catch (e) {
        errors.push(e);
      }
    }
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(e).toBeInstanceOf(WechatPushError);
      for (const v of views(e)) expect(v).not.toContain(encodingAESKey.slice(0, 20));
    }
  });
});
