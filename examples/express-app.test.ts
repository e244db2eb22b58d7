// Testing an Express app's WeChat calls with msw: the mock WeChat answers api.weixin.qq.com, and the
// test's own requests to the app on 127.0.0.1 go through (onUnhandledRequest lets loopback pass, and
// refuses everything else).
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { MPTools } from 'wechat-tools';
import { createMockWechat, DEFAULT_MOCK_APP, encryptOpenData } from 'wechat-tools/testing';
import { createApp } from './express-app.js';

const mock = createMockWechat();
const server = setupServer(...mock.handlers);
beforeAll(() =>
  server.listen({
    onUnhandledRequest(request, print) {
      const { hostname } = new URL(request.url);
      if (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]') return; // the app under test
      print.error();
      throw new Error(`unhandled request: ${request.method} ${request.url}`); // msw 2.15: print.error() alone lets it through
    },
  }),
);
afterEach(() => mock.reset());
afterAll(() => server.close());

let app: Server;
let base = '';
beforeAll(async () => {
  app = createApp(new MPTools(DEFAULT_MOCK_APP)).listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => app.close(resolve)));

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

it('logs a user in and reads their phone number from encryptedData', async () => {
  const login = await post('/login', { code: 'wx-login-code' });
  expect(login.status).toBe(200);
  const { token, openid } = (await login.json()) as { token: string; openid: string };
  const user = mock.data.login(DEFAULT_MOCK_APP.appid, 'wx-login-code'); // who the mock says that code is
  expect(openid).toBe(user.openid);
  // what the Mini Program would send: encrypted with the session_key WeChat gave the app
  const sealed = encryptOpenData({ appid: DEFAULT_MOCK_APP.appid, sessionKey: user.session_key, data: { purePhoneNumber: '13800138000', countryCode: '86' } });
  const phone = await post('/phone', { encryptedData: sealed.encryptedData, iv: sealed.iv }, token);
  expect(await phone.json()).toEqual({ openid, phone: '13800138000', countryCode: '86' });
});

it('refuses a login WeChat refuses', async () => {
  mock.on('code2Session', { errcode: 40029, errmsg: 'invalid code' });
  const r = await post('/login', { code: 'used-code' });
  expect(r.status).toBe(401);
  expect(await r.json()).toEqual({ error: 'login refused (40029)' });
});

it('still refuses requests to any other host', async () => {
  // msw turns the thrown error into a 500 "Unhandled Exception" for fetch (a network error for node:http): nothing leaves
  const r = await fetch('https://example.com/');
  expect(r.status).toBe(500);
  expect(await r.text()).toContain('unhandled request: GET https://example.com/');
});

it('the README shows this onUnhandledRequest, line for line', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = readme.split('```ts\n').find((b) => b.includes('onUnhandledRequest(request, print)'))?.split('```')[0] ?? '';
  const inner = block.split('\n').map((l) => l.trim()).filter(Boolean).slice(1, -1); // without server.listen({ … });
  expect(inner.length).toBe(6);
  const here = readFileSync(path.join(import.meta.dirname, 'express-app.test.ts'), 'utf8').split('\n').map((l) => l.trim());
  for (const line of inner) expect(here).toContain(line);
});
