// Reading a push body in the adapters, with a size limit and a time bound. A body parser that ran
// first is used when it left something usable (a string, bytes, or a JSON object); when it consumed
// the stream and left nothing, the answer is 400 with the advice to mount the handler before it.
import type { IncomingMessage } from 'node:http';
import { WechatPushError } from './crypto.js';
import { BODY_CONSUMED_ADVICE, type PushBody } from './pipeline.js';

/** A body that has not fully arrived within this long is refused (slow-drip clients). */
export const BODY_READ_TIMEOUT_MS = 10_000;

const tooLarge = () => new WechatPushError('too_large', 'push: body too large');

type ParsedRequest = IncomingMessage & { body?: unknown; _body?: unknown };

function parsedBody(req: ParsedRequest, max: number): PushBody | undefined {
  const pre = req.body;
  if (typeof pre === 'string') {
    if (Buffer.byteLength(pre) > max) throw tooLarge();
    return pre;
  }
  if (pre instanceof Uint8Array) {
    if (pre.byteLength > max) throw tooLarge();
    return Buffer.from(pre.buffer, pre.byteOffset, pre.byteLength).toString('utf8');
  }
  const consumed = req.readableEnded || req._body === true || req.destroyed;
  if (!consumed) return undefined; // e.g. body-parser 1 sets req.body = {} without reading other types
  if (pre && typeof pre === 'object' && !Array.isArray(pre) && Object.keys(pre).length > 0) return pre as Record<string, unknown>;
  throw new WechatPushError('body_consumed', BODY_CONSUMED_ADVICE);
}

export function readNodeBody(req: IncomingMessage, max: number, timeoutMs = BODY_READ_TIMEOUT_MS): Promise<PushBody> {
  let pre: PushBody | undefined;
  try {
    pre = parsedBody(req as ParsedRequest, max);
  } catch (err) {
    return Promise.reject(err);
  }
  if (pre !== undefined) return Promise.resolve(pre);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise<PushBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: WechatPushError | undefined, body?: string) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) {
        req.resume();
        reject(err);
      } else resolve(body ?? '');
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) done(tooLarge());
      else chunks.push(c);
    };
    const onEnd = () => done(undefined, Buffer.concat(chunks).toString('utf8'));
    const onError = () => done(new WechatPushError('bad_body', 'push: the request body could not be read'));
    const onClose = () => done(new WechatPushError('bad_body', 'push: the connection closed before the body arrived'));
    const timer = setTimeout(() => done(new WechatPushError('bad_body', `push: the body did not arrive within ${timeoutMs} ms`)), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export async function readWebBody(request: Request, max: number, timeoutMs = BODY_READ_TIMEOUT_MS): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw tooLarge();
  if (request.bodyUsed) throw new WechatPushError('body_consumed', BODY_CONSUMED_ADVICE);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WechatPushError('bad_body', `push: the body did not arrive within ${timeoutMs} ms`)), timeoutMs);
  });
  late.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), late]);
      if (done) break;
      size += value.byteLength;
      if (size > max) throw tooLarge();
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
