// A Next.js App Router route handler (app/wechat/route.ts): the Web `Request → Response` adapter,
// which also fits Hono, Cloudflare-style edge runtimes and Deno.
import { createPushHandler, reply } from 'wechat-tools';

const push = createPushHandler(
  { token: process.env['WECHAT_TOKEN'] ?? 'token', encodingAESKey: process.env['WECHAT_AES_KEY'], appid: process.env['WECHAT_APPID'] ?? 'wx' },
  (message) => (message.kind === 'text' ? reply.text('got it') : undefined),
);

export const GET = (request: Request): Promise<Response> => push.fetch(request);
export const POST = (request: Request): Promise<Response> => push.fetch(request);
