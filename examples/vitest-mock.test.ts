// Testing your own code's WeChat calls with the mock WeChat (msw), in a few lines.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { MPTools, WechatError } from 'wechat-tools';
import { createMockWechat, DEFAULT_MOCK_APP } from 'wechat-tools/testing';

// the code under test
async function loginUser(mp: MPTools, code: string): Promise<string> {
  const r = await mp.code2Session({ js_code: code });
  if (!r.ok) throw new WechatError({ operation: 'code2Session', errcode: r.errcode, errmsg: r.errmsg });
  return r.openid ?? '';
}

const mock = createMockWechat({ apps: [DEFAULT_MOCK_APP] });
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.reset());
afterAll(() => server.close());

it('logs a user in', async () => {
  mock.on('code2Session', { openid: 'o-123', session_key: 'sk' });
  expect(await loginUser(new MPTools(DEFAULT_MOCK_APP), 'c')).toBe('o-123');
});

it('surfaces an invalid code', async () => {
  mock.on('code2Session', { errcode: 40029, errmsg: 'invalid code' });
  await expect(loginUser(new MPTools(DEFAULT_MOCK_APP), 'bad')).rejects.toMatchObject({ errcode: 40029 });
});

it('survives WeChat being busy once', async () => {
  const mp = new MPTools({ ...DEFAULT_MOCK_APP, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
  mock.failNext('getPhoneNumber', -1);
  expect((await mp.getPhoneNumber({ code: 'c' })).ok).toBe(true);
  expect(mock.stats().calls['getPhoneNumber']).toBe(2);
});
