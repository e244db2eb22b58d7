// Issue 13, item 16: `__proto__` (and constructor / prototype) in params or in a reply. Params from
// JSON.parse carry an own `__proto__` key; it must never reach the query, the body or the result's prototype.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MPTools, WechatData, WechatValidationError, redactValue, type WechatClient } from '../../src/index.js';
import { json } from './client-helpers.js';

function recorder(reply = '{"errcode":0,"openid":"o","session_key":"SessionKey-000111222333=="}') {
  const urls: string[] = [];
  const bodies: string[] = [];
  const fetch = async (r: Request) => {
    urls.push(r.url);
    bodies.push(await r.text());
    return json(reply);
  };
  return { urls, bodies, fetch };
}

describe('item 16: dangerous keys in params', () => {
  it.each([
    ['code2Session', '{"js_code":"c","__proto__":{"injected":"1","access_token":"attacker"}}', '/__proto__'],
    ['code2Session', '{"js_code":"c","constructor":{"prototype":{"injected":"1"}}}', '/constructor'],
    ['getPhoneNumber', '{"code":"c","prototype":"x"}', '/prototype'],
    ['sendSubscribeMessage', '{"touser":"o","template_id":"t","data":{"thing1":{"value":"x"},"__proto__":{"injected":"1"}}}', '/data/__proto__'],
  ])('%s %s → WechatValidationError naming %s, nothing sent', async (op, text, field) => {
    const rec = recorder();
    const mp: WechatClient = new MPTools({ appid: 'wx1', secret: 'AppSecret-0123456789', accessToken: 'Token-0123456789abcdef', fetch: rec.fetch });
    const err = await mp.call(op, JSON.parse(text) as object).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as WechatValidationError).field).toBe(field);
    expect((err as Error).message).toContain(op);
    expect(rec.urls).toEqual([]);
  });

  it('request() (no spec) rejects them too, in the query and in the body', async () => {
    const rec = recorder();
    const mp = new MPTools({ appid: 'wx1', secret: 'AppSecret-0123456789', accessToken: 'Token-0123456789abcdef', fetch: rec.fetch });
    const q = await mp.request({ method: 'GET', path: '/x', query: JSON.parse('{"a":"1","__proto__":{"access_token":"attacker"}}') as Record<string, unknown> }).catch((e: unknown) => e);
    expect(q).toBeInstanceOf(WechatValidationError);
    expect((q as WechatValidationError).field).toBe('/__proto__');
    const b = await mp.request({ method: 'POST', path: '/y', body: JSON.parse('{"a":{"__proto__":{"x":1}}}') as Record<string, unknown> }).catch((e: unknown) => e);
    expect(b).toBeInstanceOf(WechatValidationError);
    expect((b as WechatValidationError).field).toBe('/a/__proto__');
    expect(rec.urls).toEqual([]);
  });

  it('ordinary params still go out, and only own keys are read', async () => {
    const rec = recorder();
    const mp = new MPTools({ appid: 'wx1', secret: 'AppSecret-0123456789', fetch: rec.fetch });
    const inherited = Object.create({ injected: '1' }) as Record<string, unknown>;
    inherited['js_code'] = 'c';
    await mp.call('code2Session', inherited as { js_code: string });
    expect(rec.urls).toHaveLength(1);
    expect(rec.urls[0]).toContain('js_code=c');
    expect(rec.urls[0]).not.toContain('injected');
  });
});

describe('item 16: `__proto__` in a reply', () => {
  it('does not re-parent the WechatData, and session_key stays redacted', async () => {
    const reply = '{"errcode":40029,"errmsg":"invalid code","__proto__":{"ok":true,"errcode":0,"session_key":"SessionKey-999888777666=="}}';
    const mp = new MPTools({ appid: 'wx1', secret: 'AppSecret-0123456789', fetch: recorder(reply).fetch });
    const r = await mp.code2Session({ js_code: 'c' });
    expect(r).toBeInstanceOf(WechatData);
    expect(Object.getPrototypeOf(r)).toBe(WechatData.prototype);
    expect(r.ok).toBe(false);
    expect(r.errcode).toBe(40029);
    const shown = `${inspect(r, { depth: 8, showHidden: true })}\n${JSON.stringify(r)}`;
    expect(shown).not.toContain('SessionKey-999888777666');
  });

  it('redactValue copies own keys only and never sets a prototype', () => {
    const out = redactValue(JSON.parse('{"__proto__":{"session_key":"SessionKey-abc123abc123"},"a":1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).not.toHaveProperty('session_key');
    expect(JSON.stringify(out)).not.toContain('SessionKey-abc123abc123');
    expect(out['a']).toBe(1);
  });
});
