// The 消息与事件接收URL (message and event URL): messages to every authorizer's account arrive there,
// encrypted with the platform's Token / EncodingAESKey (appid = the platform). Configure it with
// $APPID$ in the path or query (e.g. https://example.com/wechat/$APPID$ or …?appid=$APPID$): WeChat
// puts the authorizer's appid there, and the handler tells onMessage which authorizer it is for.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PushMessage } from '../../generated/push.js';
import { createPushHandler, type PushHandlerOptions, type PushResult } from '../push/handler.js';
import type { ComponentPushHandler } from './auth-push.js';
import { adapters, type PlatformPushRequest as PushRequest, type PlatformPushResponse as PushResponse } from './http.js';

export interface AuthorizerMessageContext {
  /** the authorizer's appid, from the URL ($APPID$), when the URL carries it */
  authorizerAppid: string | undefined;
  /** the authorizer account's original id (gh_…), from the message */
  toUserName: string;
}

export type OnAuthorizerMessage = (message: PushMessage, context: AuthorizerMessageContext) => PushResult | Promise<PushResult>;

export interface MessageHandlerOptions {
  /** where the authorizer's appid is in the URL; default: ?appid=…, else the first path segment that is an appid (wx + 16) */
  authorizerAppid?: (url: URL) => string | undefined;
  /** as createPushHandler's (default: in memory, 60 s) */
  dedupe?: PushHandlerOptions['dedupe'];
}

const APPID = /^wx[0-9a-zA-Z]{16}$/;

export function appidFromUrl(url: URL): string | undefined {
  const q = url.searchParams.get('appid');
  if (q && APPID.test(q)) return q;
  return url.pathname.split('/').find((s) => APPID.test(s));
}

export function createAuthorizerMessageHandler(
  base: Omit<PushHandlerOptions, 'dedupe' | 'format'>,
  onMessage: OnAuthorizerMessage,
  options: MessageHandlerOptions = {},
): ComponentPushHandler {
  const current = new AsyncLocalStorage<string | undefined>();
  const inner = createPushHandler({ ...base, format: 'xml', ...(options.dedupe === undefined ? {} : { dedupe: options.dedupe }) }, (message) =>
    onMessage(message, { authorizerAppid: current.getStore(), toUserName: message.ToUserName }),
  );
  const find = options.authorizerAppid ?? appidFromUrl;
  const handleWithUrl = (req: PushRequest, url: URL | undefined): Promise<PushResponse> => current.run(url ? find(url) : (req.query.get('appid') ?? undefined), () => inner.handle(req));
  const maxBody = base.maxBodyBytes ?? 1024 * 1024;
  return { handle: (req) => handleWithUrl(req, undefined), ...adapters(handleWithUrl, maxBody) };
}
