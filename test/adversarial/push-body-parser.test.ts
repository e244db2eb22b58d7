// Issue 13 item 7: behind express.json() (or anything that read the body first) the Node adapter
// must use the parsed body, or answer 400 saying to mount it before body parsers. Never hang.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushHandler, type PushMessage } from '../../src/index.js';
import { appid, crypto, encodingAESKey, plainQuery, safeParts, textXml, token } from './push-helpers.js';

const got: PushMessage[] = [];
const jsonPush = createPushHandler({ token, encodingAESKey, appid, format: 'json', allowPlaintext: true }, (m) => {
  got.push(m);
  return m.kind === 'text' ? `echo ${m.Content}` : undefined;
});
const xmlPush = createPushHandler({ token, appid }, (m) => void got.push(m));

const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let parsed: string;
let consumed: string;
beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.post('/json', (req, res) => void jsonPush.node(req, res));
  app.post('/xml', (req, res) => void xmlPush.node(req, res));
  const text = express();
  text.use(express.text({ type: '*/*' }));
  text.post('/xml', (req, res) => void xmlPush.node(req, res));
  parsed = await listen(createServer(app));
  const textBase = await listen(createServer(text));
  servers.push(); // keep the list
  consumed = await listen(
    createServer((req, res) => {
      // a middleware that read the body and kept nothing
      req.resume();
      req.on('end', () => void xmlPush.node(req, res));
    }),
  );
  textUrl = textBase;
});
let textUrl: string;
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const jsonText = (content: string, msgId: number) => JSON.stringify({ ToUserName: 'gh_app', FromUserName: 'openid_1', CreateTime: 1700000000, MsgType: 'text', Content: content, MsgId: msgId });

describe('behind a body parser', () => {
  it('a Mini Program JSON push (plaintext) parsed by express.json() is handled', async () => {
    const r = await fetch(`${parsed}/json?${plainQuery()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: jsonText('hi', 3000001) });
    expect(r.status).toBe(200);
    expect(JSON.parse(await r.text())).toMatchObject({ MsgType: 'text', Content: 'echo hi', ToUserName: 'openid_1' });
    expect(got.at(-1)).toMatchObject({ kind: 'text', Content: 'hi' });
  });

  it('a safe-mode JSON push parsed by express.json() is handled (msg_signature covers Encrypt only)', async () => {
    const { query, body } = safeParts(jsonText('secret', 3000002), 'json');
    const r = await fetch(`${parsed}/json?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(r.status).toBe(200);
    const out = (await r.json()) as { Encrypt: string };
    expect(JSON.parse(crypto.decrypt(out.Encrypt))).toMatchObject({ Content: 'echo secret' });
  });

  it('an XML push next to express.json() (not parsed by it) is read from the stream', async () => {
    const r = await fetch(`${parsed}/xml?${plainQuery()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: textXml('xml', '3000003') });
    expect(r.status).toBe(200);
    expect(got.at(-1)).toMatchObject({ kind: 'text', Content: 'xml' });
  });

  it('an XML push parsed to a string by express.text() is handled', async () => {
    const r = await fetch(`${textUrl}/xml?${plainQuery()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: textXml('text', '3000004') });
    expect(r.status).toBe(200);
    expect(got.at(-1)).toMatchObject({ kind: 'text', Content: 'text' });
  });

  it('a body read and dropped before the handler: 400 that says to mount the handler before body parsers', async () => {
    const before = got.length;
    const r = await fetch(`${consumed}/xml?${plainQuery()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: textXml('lost', '3000005') });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/before (any )?body parser/i);
    expect(got.length).toBe(before);
  });

  it('a used Request body (Web adapter): 400 with the same advice', async () => {
    const req = new Request(`https://example.com/wechat?${plainQuery()}`, { method: 'POST', body: textXml('used', '3000006') });
    await req.text();
    const r = await xmlPush.fetch(req);
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/before (any )?body parser/i);
  });

});
