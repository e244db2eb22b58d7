// README command 1: `npm run demo` runs the quickstart against the built-in mock WeChat.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { DEFAULT_MOCK_APP, MockData } from '../src/testing/index.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

it('the demo runs end to end with no credentials', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/quickstart.ts'], { cwd: root, timeout: 60_000 });
  expect(stdout).toContain('mock WeChat listening on http://127.0.0.1:');
  expect(stdout).toContain(`openid: '${new MockData().login(DEFAULT_MOCK_APP.appid, '0a3Xk9ll2oYz8f0Q6Dll2P0jFv3Xk9lF').openid}'`); // the mock's user for the demo's code
  expect(stdout).toContain('"session_key":"[redacted]"');
  expect(stdout).toMatch(/phoneNumber: '13800138000'/);
  expect(stdout).toMatch(/createQRCode → image written/);
  expect(stdout).toMatch(/errcode: 0, tokenRequests: 2, expiredReplies: 1/);
  expect(stdout).toContain('demo done');
});
