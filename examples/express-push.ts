// An Express server answering WeChat message pushes (Official Account, safe mode), with replies.
//   WECHAT_TOKEN, WECHAT_AES_KEY, WECHAT_APPID in the environment; point the server configuration URL at /wechat.
import express from 'express';
import { createPushHandler, reply } from 'wechat-tools';

const push = createPushHandler(
  { token: process.env['WECHAT_TOKEN'] ?? 'token', encodingAESKey: process.env['WECHAT_AES_KEY'], appid: process.env['WECHAT_APPID'] ?? 'wx' },
  (message) => {
    switch (message.kind) {
      case 'text':
        return reply.text(`you said: ${message.Content}`);
      case 'event:subscribe':
        return reply.news([{ title: 'Welcome', description: message.EventKey ?? '', url: 'https://example.com' }]);
      case 'event:CLICK':
        return reply.text(`menu ${message.EventKey}`);
      default:
        return undefined; // "success"
    }
  },
);

const app = express();
// No body parser on this route: the handler reads the raw body itself (with a size limit).
app.all('/wechat', (req, res) => void push.node(req, res));
app.listen(3000);
