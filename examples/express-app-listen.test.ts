// The same Express app tested without msw: the mock WeChat as a real server on loopback, the client
// pointed at it with baseUrl. Nothing is intercepted, so the test's requests to the app need no bypass.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MPTools } from 'wechat-tools';
import { createMockWechat, DEFAULT_MOCK_APP, type MockServer } from 'wechat-tools/testing';
import { createApp } from './express-app.js';

const mock = createMockWechat();
let wechat: MockServer;
let app: Server;
let base = '';
beforeAll(async () => {
  wechat = await mock.listen();
  app = createApp(new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: wechat.url })).listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await wechat.close();
});

it('logs a user in through the mock on loopback', async () => {
  const r = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'c1' }) });
  expect(r.status).toBe(200);
  expect(((await r.json()) as { openid: string }).openid).toBe(mock.data.login(DEFAULT_MOCK_APP.appid, 'c1').openid);
  expect(mock.stats().calls['code2Session']).toBe(1);
});
