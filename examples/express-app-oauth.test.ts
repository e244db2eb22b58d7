// The web OAuth example against the mock WeChat on loopback (mock.listen() + baseUrl), and the README
// Quickstart's OAuth lines checked to be the example's, line for line.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { OATools } from 'wechat-tools';
import { createMockWechat, DEFAULT_MOCK_APP, type MockServer } from 'wechat-tools/testing';
import { createOAuthApp } from './express-app-oauth.js';

const mock = createMockWechat();
let wechat: MockServer;
let app: Server;
let base = '';
beforeAll(async () => {
  wechat = await mock.listen();
  const oa = new OATools({ ...DEFAULT_MOCK_APP, baseUrl: wechat.url, redirectUri: 'https://example.com/wx_login' });
  app = createOAuthApp(oa).listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await wechat.close();
});

it('sends the user to the authorize page', async () => {
  const r = await fetch(`${base}/login`, { redirect: 'manual' });
  expect(r.status).toBe(302);
  expect(r.headers.get('location')).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/oauth2\/authorize\?appid=.*scope=snsapi_userinfo.*#wechat_redirect$/);
});

it('exchanges the code and reads the profile of the code’s user', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const r = await fetch(`${base}/wx_login?code=web-code-1`);
    expect(r.status).toBe(200);
    const user = (await r.json()) as { openid: string; unionid: string };
    const expected = mock.data.login(DEFAULT_MOCK_APP.appid, 'web-code-1'); // who the mock says that code is
    expect(user).toMatchObject({ openid: expected.openid, unionid: expected.unionid });
    expect(mock.stats().calls).toMatchObject({ getWebAccessToken: 1, getSnsUserInfo: 1 });
  } finally {
    log.mockRestore();
  }
});

it('the README Quickstart shows the same OAuth lines', () => {
  const root = path.resolve(import.meta.dirname, '..');
  const example = readFileSync(path.join(import.meta.dirname, 'express-app-oauth.ts'), 'utf8');
  const block = example.split('// README: web OAuth\n')[1]?.split('  // README: end')[0] ?? '';
  const lines = block.split('\n').map((l) => l.trim()).filter(Boolean);
  expect(lines.length).toBe(4);
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8').split('## Quickstart')[1]?.split('\n## ')[0] ?? '';
  const readmeLines = readme.split('\n').map((l) => l.trim());
  for (const line of lines) expect(readmeLines).toContain(line);
});
