// `npm run demo`: the quickstart against a built-in mock WeChat server (no credentials needed).
// `npm run demo -- --live` with WECHAT_APPID / WECHAT_SECRET set talks to real WeChat instead.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MPTools, WechatError } from '../src/index.js';
import { DEFAULT_MOCK_APP, createMockWechat } from '../src/testing/index.js';

const live = process.argv.includes('--live');
const show = (label: string, value: unknown) => console.log(`\n▸ ${label}\n`, value);

async function main(): Promise<void> {
  let close = async () => {};
  let baseUrl: string | undefined;
  const mock = live ? undefined : createMockWechat({ tokenOverlapSeconds: 0 });
  if (mock) {
    const server = await mock.listen();
    baseUrl = server.url;
    close = server.close;
    console.log(`mock WeChat listening on ${server.url} (appid ${DEFAULT_MOCK_APP.appid})`);
  } else if (!process.env['WECHAT_APPID'] || !process.env['WECHAT_SECRET']) {
    throw new Error('--live needs WECHAT_APPID and WECHAT_SECRET in the environment');
  }

  const mp = new MPTools({
    appid: process.env['WECHAT_APPID'] ?? DEFAULT_MOCK_APP.appid,
    secret: process.env['WECHAT_SECRET'] ?? DEFAULT_MOCK_APP.secret,
    ...(baseUrl ? { baseUrl } : {}),
  });

  try {
    const session = await mp.code2Session({ js_code: process.env['WECHAT_JS_CODE'] ?? '0a3Xk9ll2oYz8f0Q6Dll2P0jFv3Xk9lF' });
    show('code2Session → openid (session_key stays out of logs: JSON shows it redacted)', { errcode: session.errcode, openid: session.openid, json: JSON.stringify(session) });

    const phone = await mp.getPhoneNumber({ code: process.env['WECHAT_PHONE_CODE'] ?? 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144' });
    show('getPhoneNumber → phone_info', phone.ok ? phone.phone_info : { errcode: phone.errcode, errmsg: phone.errmsg });

    const qr = await mp.createQRCode({ path: 'pages/index/index?from=demo', width: 430 });
    if (qr.ok) {
      const out = path.resolve('demo-output/qrcode.jpg');
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, qr.buffer);
      show('createQRCode → image written', { file: out, bytes: qr.buffer.byteLength, contentType: qr.contentType });
    } else show('createQRCode → error', { errcode: qr.errcode, errmsg: qr.errmsg });

    if (mock) {
      mock.expireTokens();
      const again = await mp.getPhoneNumber({ code: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144' });
      const stats = mock.stats();
      show('token expired on the server (42001) → refreshed and retried once by the SDK', {
        errcode: again.errcode,
        tokenRequests: stats.tokenRequests.total,
        expiredReplies: stats.errcodes['42001'] ?? 0,
      });
    }
  } catch (err) {
    if (err instanceof WechatError) console.error(`WeChat error ${err.errcode}: ${err.errmsg}`);
    throw err;
  } finally {
    await close();
  }
  console.log('\ndemo done');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
