// The README's "Testing your app's WeChat calls" example, as written there.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { MPTools } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../src/testing/index.js';

const mock = createMockWechat({ apps: [DEFAULT_MOCK_APP], tokenOverlapSeconds: 0 });
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.reset());
afterAll(() => server.close());

it('survives an expired token', async () => {
  const mp = new MPTools(DEFAULT_MOCK_APP);
  mock.on('getPhoneNumber', { errcode: 0, errmsg: 'ok', phone_info: { purePhoneNumber: '13800138000' } });
  await mp.getPhoneNumber({ code: 'c' });
  mock.expireTokens();
  const r = await mp.getPhoneNumber({ code: 'c' });
  expect(r.ok && r.phone_info?.purePhoneNumber).toBe('13800138000');
  expect(mock.stats().tokenRequests.total).toBe(2);
});
