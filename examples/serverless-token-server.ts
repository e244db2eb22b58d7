// A serverless function that calls WeChat with the token from a central token service (so that
// many cold-starting instances never fight over the access_token), and the service itself.
import { createServer } from 'node:http';
import { createTokenServer, MPTools, RedisCache } from 'wechat-tools';
import { Redis } from 'ioredis';

// --- the function (e.g. an AWS Lambda / Tencent SCF handler) ---
// No AppSecret in the instances: the service's bearer key is all they hold. A token WeChat rejects
// is reported back to the service (invalid_token), which refreshes it once for every instance.
const mp = new MPTools({
  appid: process.env['WECHAT_APPID'] ?? 'wx',
  getAccessTokenUrl: process.env['TOKEN_SERVICE_URL'] ?? 'https://tokens.internal/token',
  getAccessTokenHeaders: { authorization: `Bearer ${process.env['TOKEN_SERVICE_KEY'] ?? ''}` },
});

export async function handler(event: { code: string }): Promise<{ statusCode: number; body: string }> {
  const session = await mp.code2Session({ js_code: event.code });
  if (!session.ok) return { statusCode: 400, body: JSON.stringify({ errcode: session.errcode }) };
  return { statusCode: 200, body: JSON.stringify({ openid: session.openid }) };
}

// --- the token service (one long-lived process, tokens in Redis) ---
export function startTokenService(): void {
  const cache = new RedisCache({ client: new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379') });
  const central = new MPTools({ appid: process.env['WECHAT_APPID'] ?? 'wx', secret: process.env['WECHAT_SECRET'] ?? '', cache });
  const tokens = createTokenServer({ apps: [central], bearerKeys: [process.env['TOKEN_SERVICE_KEY'] ?? ''] });
  createServer((req, res) => void tokens.node(req, res)).listen(8080); // node() never rejects
}
