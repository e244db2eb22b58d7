// Reading a push body in the adapters, with a size limit and a time bound. A body parser that ran
// first is used when it left something usable (a string, bytes, or a JSON object); when it consumed
// the stream and left nothing, the answer is 400 with the advice to mount the handler before it.
import type { IncomingMessage } from 'node:http';
import { BodyReadError, readNodeBody as readRawNodeBody, readWebBody as readRawWebBody } from '../server/read-body.js';
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

/** A raw-body failure as the push handler's error (its status and reason). */
function asPushError(err: unknown, timeoutMs: number): WechatPushError {
  if (!(err instanceof BodyReadError)) return new WechatPushError('bad_body', 'push: the request body could not be read');
  if (err.reason === 'too_large') return tooLarge();
  if (err.reason === 'timeout') return new WechatPushError('bad_body', `push: the body did not arrive within ${timeoutMs} ms`);
  return new WechatPushError('bad_body', 'push: the connection closed before the body arrived');
}

export async function readNodeBody(req: IncomingMessage, max: number, timeoutMs = BODY_READ_TIMEOUT_MS): Promise<PushBody> {
  const pre = parsedBody(req as ParsedRequest, max);
  if (pre !== undefined) return pre;
  try {
    return (await readRawNodeBody(req, { maxBytes: max, timeoutMs })).toString('utf8');
  } catch (err) {
    throw asPushError(err, timeoutMs);
  }
}

export async function readWebBody(request: Request, max: number, timeoutMs = BODY_READ_TIMEOUT_MS): Promise<string> {
  if (request.bodyUsed) throw new WechatPushError('body_consumed', BODY_CONSUMED_ADVICE);
  try {
    return Buffer.from(await readRawWebBody(request, { maxBytes: max, timeoutMs })).toString('utf8');
  } catch (err) {
    throw asPushError(err, timeoutMs);
  }
}
