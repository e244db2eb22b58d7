// A Koa server answering Mini Program pushes in JSON format.
import Koa from 'koa';
import { createPushHandler } from 'wechat-tools';

const push = createPushHandler(
  { token: process.env['WECHAT_TOKEN'] ?? 'token', encodingAESKey: process.env['WECHAT_AES_KEY'], appid: process.env['WECHAT_APPID'] ?? 'wx', format: 'json' },
  async (message) => {
    if (message.kind === 'event:wxa_media_check') console.log('media check', message.trace_id, message.result?.suggest);
    if (message.kind === 'event:subscribe_msg_popup_event') console.log('subscribe popup from', message.FromUserName);
  },
);

const app = new Koa();
app.use(async (ctx, next) => {
  if (ctx.path !== '/wechat') return next();
  ctx.respond = false; // the handler writes the Node response itself
  await push.node(ctx.req, ctx.res);
});
app.listen(3000);
