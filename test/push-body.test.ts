// The adapters' body readers (src/push/body.ts): a body that never finishes arriving is refused after
// the read bound, in the Node and the Web adapter alike; never a hang.
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readNodeBody, readWebBody } from '../src/push/body.js';

describe('body read bound', () => {
  it('a body that never finishes arriving is refused after the read bound (Node and Web)', async () => {
    const req = new IncomingMessage(new Socket());
    req.method = 'POST';
    req.push(Buffer.from('<xml>'));
    await expect(readNodeBody(req, 1024, 20)).rejects.toMatchObject({ reason: 'bad_body', status: 400 });
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('<xml>')) });
    const request = new Request('https://example.com/wechat', { method: 'POST', body: stalled, duplex: 'half' } as RequestInit);
    await expect(readWebBody(request, 1024, 20)).rejects.toMatchObject({ reason: 'bad_body', status: 400 });
  });
});
