// A SaaS third-party platform (第三方平台) on Express, several servers sharing one Redis:
//   - /wechat/auth-events: the 授权事件接收URL (verify ticket every 10 minutes, authorization events)
//   - /wechat/messages/$APPID$: the 消息与事件接收URL (messages to every authorized account)
//   - /authorize → WeChat's authorization page → /authorized: store the merchant's refresh token
//   - /merchants/:appid/qrcode: a call on behalf of an authorized Mini Program
// Environment: COMPONENT_APPID, COMPONENT_SECRET, COMPONENT_TOKEN, COMPONENT_AES_KEY, REDIS_URL, PUBLIC_URL.
import express from 'express';
import { Redis } from 'ioredis';
import { OpenPlatform, RedisCache, WechatAuthorizationRequiredError } from 'wechat-tools';

const env = (name: string): string => process.env[name] ?? '';
const redis = new Redis(env('REDIS_URL') || 'redis://127.0.0.1:6379', { enableOfflineQueue: false });

/** Your database of authorized merchants: the refresh token is the key to each account (WeChat returns it once). */
const refreshTokens = new Map<string, string>();

const op = new OpenPlatform({
  componentAppid: env('COMPONENT_APPID'),
  componentSecret: env('COMPONENT_SECRET'),
  token: env('COMPONENT_TOKEN'),
  encodingAESKey: env('COMPONENT_AES_KEY'),
  cache: new RedisCache({ client: redis }), // every server sees the ticket and every token
  // Every new (or rotated) refresh token is saved here; one the cache lost is loaded back; a revoked one deleted.
  refreshTokenStore: {
    load: (appid) => refreshTokens.get(appid),
    save: (appid, token) => void refreshTokens.set(appid, token),
    delete: (appid) => void refreshTokens.delete(appid),
  },
});

const app = express();

// The ticket is stored before this handler runs; an unauthorized event has already dropped the tokens.
const authEvents = op.pushHandler(async (event) => {
  // The /authorized callback below usually exchanges the code first; the event covers a merchant who closed the page.
  const known = event.kind === 'authorized' && (await op.getStoredAuthorizerRefreshToken(event.AuthorizerAppid)) !== undefined;
  if ((event.kind === 'authorized' && !known) || event.kind === 'updateauthorized') {
    await op.queryAuth(event.AuthorizationCode); // stores (and saves) the refresh token
  }
  // 'unauthorized': the tokens are already dropped (and refreshTokenStore.delete called)
});
app.post('/wechat/auth-events', (req, res) => void authEvents.node(req, res));

// Messages to the merchants' accounts; WeChat puts the account's appid where $APPID$ is in the URL.
const messages = op.messageHandler((message, { authorizerAppid }) => {
  if (message.kind === 'text') return `${authorizerAppid ?? 'unknown'} got: ${message.Content}`;
  return undefined; // "success"
});
app.all('/wechat/messages/:appid', (req, res) => void messages.node(req, res));

// 1. Send the merchant to WeChat's authorization page (a fresh pre_auth_code each time).
app.get('/authorize', async (_req, res) => {
  res.redirect(await op.getAuthorizeUrl({ redirectUri: `${env('PUBLIC_URL')}/authorized`, authType: 2 }));
});

// 2. WeChat sends the merchant back with ?auth_code=…: exchange it; the refresh token is stored in Redis.
app.get('/authorized', async (req, res) => {
  const info = await op.queryAuth(String(req.query['auth_code'] ?? ''));
  res.send(`authorized: ${info.authorizer_appid} (${info.func_info.length} permission sets)`);
});

// 3. Calls on behalf of a merchant: an ordinary MPTools, with the authorizer's token managed for you.
app.get('/merchants/:appid/qrcode', async (req, res) => {
  try {
    const mp = op.miniProgram(req.params.appid);
    const qr = await mp.getUnlimitedQRCode({ scene: 'from=saas', page: 'pages/index/index', check_path: false });
    if (qr.ok) res.type(qr.contentType).send(Buffer.from(qr.buffer));
    else res.status(502).send(`${qr.errcode} ${qr.errmsg}`);
  } catch (err) {
    if (err instanceof WechatAuthorizationRequiredError) res.status(409).send('this merchant must authorize the platform again: /authorize');
    else throw err;
  }
});

app.listen(3000);
