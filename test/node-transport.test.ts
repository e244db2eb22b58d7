// The Node transport (no `fetch` option): straight to keep-alive node:http. What goes on the wire, and
// that sequential calls share one connection. A loopback server, no msw.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OATools } from '../src/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((done) => (s.closeAllConnections(), s.close(() => done())));
});

async function fake(): Promise<{ url: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const body = req.url?.startsWith('/wx/cgi-bin/user/info') ? { subscribe: 1, openid: 'OPENID-1', msgid: 9007199254740993 } : { errcode: 0, errmsg: 'ok', msgid: 9007199254740993 };
      const text = JSON.stringify(body).replace('9007199254740992', '9007199254740993'); // a 64-bit id as WeChat sends it
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wx/`, seen, connections: () => connections };
}

const TOKEN = 'Token-0123456789abcdef';
const TEMPLATE = { touser: 'OPENID-1', template_id: 'TPL', data: { first: { value: 'hi & bye' } } };

describe('the Node transport', () => {
  it('sends a prebuilt path and query under the base URL path, and the JSON body once, with its length', async () => {
    const f = await fake();
    const oa = new OATools({ appid: 'wx1', baseUrl: f.url, accessToken: TOKEN, validateResponses: 'off' });
    const r = await oa.sendTemplateMessage(TEMPLATE, { headers: { 'X-Trace': 't-1' } });
    expect(r.errcode).toBe(0);
    expect(r.msgid).toBe('9007199254740993');
    const [req] = f.seen;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe(`/wx/cgi-bin/message/template/send?access_token=${TOKEN}`);
    expect(JSON.parse(req?.body ?? '')).toEqual(TEMPLATE);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['content-length']).toBe(String(Buffer.byteLength(req?.body ?? '')));
    expect(req?.headers['x-trace']).toBe('t-1');
  });

  it('encodes query values, and makes the Response of requestResult only when asked, its URL redacted', async () => {
    const f = await fake();
    const oa = new OATools({ appid: 'wx1', baseUrl: f.url, accessToken: TOKEN, validateResponses: 'off' });
    const r = await oa.getUserInfo({ openid: 'a/b c&d', lang: 'zh_CN' });
    expect(f.seen[0]?.method).toBe('GET');
    expect(f.seen[0]?.url).toBe(`/wx/cgi-bin/user/info?openid=a%2Fb%20c%26d&lang=zh_CN&access_token=${TOKEN}`);
    expect(r.openid).toBe('OPENID-1');
    const res = r.requestResult;
    expect(res).toBeInstanceOf(Response);
    expect(res).toBe(r.requestResult);
    expect(res.status).toBe(200);
    expect(res.url).not.toContain(TOKEN);
    expect(await res.json()).toEqual({ subscribe: 1, openid: 'OPENID-1', msgid: 9007199254740992 });
  });

  it('sends sequential calls over one keep-alive connection', async () => {
    const f = await fake();
    const oa = new OATools({ appid: 'wx1', baseUrl: f.url, accessToken: TOKEN, validateResponses: 'off' });
    for (let i = 0; i < 20; i++) await (i % 2 ? oa.getUserInfo({ openid: 'OPENID-1' }) : oa.sendTemplateMessage(TEMPLATE));
    expect(f.seen).toHaveLength(20);
    expect(f.connections()).toBe(1);
  });
});
