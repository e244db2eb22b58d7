// Reading a request body with bounds, for the servers we ship (token server, push handlers):
// never more than `maxBytes`, never longer than `timeoutMs`, and a client that aborts mid-body is
// a settled rejection, never an unhandled 'error' event.
import type { IncomingMessage } from 'node:http';

export type BodyReadFailure = 'too_large' | 'aborted' | 'timeout';

export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  constructor(readonly reason: BodyReadFailure) {
    super(reason === 'too_large' ? 'request body too large' : reason === 'timeout' ? 'request body not received in time' : 'request aborted by the client');
  }
}

export interface BodyLimits {
  maxBytes: number;
  /** the whole body must arrive within this (default 10 s) */
  timeoutMs?: number;
}

/** The body of a Node request, bounded in size and time. Rejects only with a BodyReadError. */
export function readNodeBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limits.maxBytes) {
    req.resume();
    return Promise.reject(new BodyReadError('too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: BodyReadError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      req.on('error', () => {}); // a late socket error must not become an uncaught exception
      if (err) {
        req.resume();
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limits.maxBytes) finish(new BodyReadError('too_large'));
      else chunks.push(c);
    };
    const onEnd = () => finish(undefined);
    const onError = () => finish(new BodyReadError('aborted'));
    const onClose = () => finish(new BodyReadError('aborted'));
    const timer = setTimeout(() => finish(new BodyReadError('timeout')), limits.timeoutMs ?? 10_000);
    timer.unref?.();
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** The body of a Web request, bounded: reading stops at the limit (the rest is never pulled). */
export async function readWebBody(request: Request, limits: BodyLimits): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limits.maxBytes) throw new BodyReadError('too_large');
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyReadError('timeout')), limits.timeoutMs ?? 10_000);
    timer.unref?.();
  });
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await Promise.race([reader.read(), timeout]);
      } catch (err) {
        throw err instanceof BodyReadError ? err : new BodyReadError('aborted');
      }
      if (step.done) break;
      size += step.value.byteLength;
      if (size > limits.maxBytes) throw new BodyReadError('too_large');
      chunks.push(step.value);
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
