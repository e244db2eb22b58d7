// Issue 13, item 17: deadlines on uploads, the reply size cap while reading, redirects, bodies that
// cannot be JSON, 64-bit integers, and a total deadline across attempts. No assertion depends on speed:
// the bounds below are counts (bytes written, requests seen) and error types.
import { afterEach, describe, expect, it } from 'vitest';
import { MPTools, WechatResponseError, WechatTimeoutError, WechatValidationError } from '../../src/index.js';
import { json, serve, type TestServer } from './client-helpers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(handle: Parameters<typeof serve>[0]): Promise<TestServer> {
  const s = await serve(handle);
  servers.push(s);
  return s;
}
const silent = () => server(() => {}); // reads the request, never answers

const app = { appid: 'wx1', secret: 'AppSecret-0123456789' };
const upload = { type: 'image', media: { data: new Uint8Array([0xff, 0xd8, 0xff]), filename: 'a.jpg' } } as const;
const viaFetch = { fetch: (r: Request) => globalThis.fetch(r) };

describe('item 17: uploads honour timeoutMs', () => {
  it.each([['the Node transport', {}], ['a custom fetch', viaFetch]])('%s: uploadTempMedia times out like a JSON call', async (_n, transport) => {
    const s = await silent();
    const mp = new MPTools({ ...app, ...transport, baseUrl: s.url, timeoutMs: 200, retry: false });
    const err = await mp.uploadTempMedia(upload, { accessToken: 'Token-0123456789' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatTimeoutError);
    expect(s.requests).toHaveLength(1);
  }, 20_000);
});

describe('item 17: the reply size cap stops the reading', () => {
  const CHUNK = Buffer.alloc(1024 * 1024, 0x20);
  const TOTAL = 96; // MiB the server would send
  async function endless(withLength: boolean) {
    let written = 0;
    let done!: () => void;
    const closed = new Promise<void>((r) => (done = r));
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...(withLength ? { 'content-length': String(TOTAL * CHUNK.length) } : {}) });
      res.on('close', done);
      const pump = () => {
        while (written < TOTAL * CHUNK.length && !res.destroyed) {
          written += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    return { s, closed, written: () => written };
  }
  it.each([
    ['the Node transport, no content-length', {}, false],
    ['a custom fetch, no content-length', viaFetch, false],
    ['the Node transport, a content-length over the cap', {}, true],
    ['a custom fetch, a content-length over the cap', viaFetch, true],
  ])('%s', async (_n, transport, withLength) => {
    const e = await endless(withLength);
    const mp = new MPTools({ ...app, ...transport, baseUrl: e.s.url, maxResponseBytes: 1024 * 1024 });
    const err = await mp.getPhoneNumber({ code: 'c' }, { accessToken: 'Token-0123456789' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(WechatResponseError);
    expect((err as Error).message).toMatch(/maxResponseBytes/);
    await e.closed;
    expect(e.written()).toBeLessThan(TOTAL * CHUNK.length / 3);
  }, 30_000);
});

describe('item 17: redirects are never followed', () => {
  it.each([['the Node transport', {}], ['a custom fetch', viaFetch]])('%s: a 307 does not re-post {appid, secret} elsewhere', async (_n, transport) => {
    const elsewhere = await server((_q, res) => res.end('{"access_token":"stolen","expires_in":7200}'));
    const s = await server((_q, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/cgi-bin/stable_token` });
      res.end();
    });
    const mp = new MPTools({ ...app, ...transport, baseUrl: s.url, retry: false });
    const err = await mp.getAccessToken().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(WechatResponseError);
    expect((err as Error).message).toMatch(/redirect/i);
    expect(elsewhere.requests).toEqual([]);
    expect(s.requests).toHaveLength(1);
  });
});

describe('item 17: a body that cannot be JSON is a validation error before any request', () => {
  it.each([
    ['a BigInt', () => ({ id: 1n }), '/id'],
    ['a circular object', () => {
      const o: Record<string, unknown> = { a: 1 };
      o['self'] = o;
      return { nested: o };
    }, '/nested/self'],
  ])('%s', async (_n, body, field) => {
    let requests = 0;
    const mp = new MPTools({ ...app, accessToken: 'Token-0123456789', fetch: async () => (requests++, json('{"errcode":0}')) });
    const err = await mp.request({ method: 'POST', path: '/wxa/x', body: body() }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as WechatValidationError).field).toBe(field);
    expect(requests).toBe(0);
  });
});

describe('item 17: 64-bit integers keep every digit', () => {
  it('inside arrays and nested objects', async () => {
    const body = '{"errcode":0,"msgids":[12345678901234567890,12345678901234567891],"n":{"x":[1,9007199254740993]},"s":"[1234567890123456789]","small":[1,2.5,-3]}';
    const mp = new MPTools({ ...app, accessToken: 'Token-0123456789', fetch: async () => json(body) });
    const r = await mp.request({ method: 'GET', path: '/x' });
    const j = r.resultJson as { msgids: unknown[]; n: { x: unknown[] }; s: string; small: number[] };
    expect(j.msgids).toEqual(['12345678901234567890', '12345678901234567891']);
    expect(j.n.x).toEqual([1, '9007199254740993']);
    expect(j.s).toBe('[1234567890123456789]');
    expect(j.small).toEqual([1, 2.5, -3]);
  });

  it('in a non-2xx body', async () => {
    const mp = new MPTools({ ...app, accessToken: 'Token-0123456789', retry: false, fetch: async () => json('{"errcode":-1,"errmsg":"busy","msgid":12345678901234567891}', 503) });
    const r = await mp.request({ method: 'GET', path: '/x' });
    expect(r.errcode).toBe(-1);
    expect((r.resultJson as { msgid: unknown }).msgid).toBe('12345678901234567891');
    const bad = new MPTools({ ...app, accessToken: 'Token-0123456789', retry: false, fetch: async () => json('{"id":12345678901234567891}', 502) });
    const err = await bad.request({ method: 'GET', path: '/x' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(WechatResponseError);
    expect((err as WechatResponseError).bodySnippet).toContain('12345678901234567891');
  });
});

describe('item 17: timeoutMs is per attempt; deadlineMs bounds the whole call', () => {
  it('the timeout error says per attempt', async () => {
    const s = await silent();
    const mp = new MPTools({ ...app, baseUrl: s.url, timeoutMs: 100, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
    const err = await mp.getPaidUnionId({ openid: 'o', transaction_id: '1' }, { accessToken: 'Token-0123456789' }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(WechatTimeoutError);
    expect((err as Error).message).toMatch(/per attempt/);
    expect((err as Error).message).toMatch(/2 attempts/);
    expect(s.requests).toHaveLength(2);
  });

  it.each([['client option', true], ['per call', false]])('deadlineMs (%s) stops the retries and the backoff', async (_n, onClient) => {
    const s = await silent();
    const deadline = { deadlineMs: 450 };
    const mp = new MPTools({ ...app, baseUrl: s.url, timeoutMs: 200, retry: { retries: 20, minDelayMs: 50, maxDelayMs: 50 }, ...(onClient ? deadline : {}) });
    const err = await mp.getPaidUnionId({ openid: 'o', transaction_id: '1' }, { accessToken: 'Token-0123456789', ...(onClient ? {} : deadline) }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(WechatTimeoutError);
    expect((err as Error).message).toMatch(/deadlineMs/);
    expect((err as WechatTimeoutError & { deadlineMs?: number }).deadlineMs).toBe(450);
    // each attempt waits its full timeoutMs (200) or what is left of the deadline: at most 3 fit in 450 ms
    expect(s.requests.length).toBeGreaterThanOrEqual(1);
    expect(s.requests.length).toBeLessThanOrEqual(3);
  }, 20_000);

  it('a deadline longer than the work changes nothing', async () => {
    const s = await server((_q, res) => res.end('{"errcode":0,"unionid":"u"}'));
    const mp = new MPTools({ ...app, baseUrl: s.url, deadlineMs: 60_000 });
    const r = await mp.getPaidUnionId({ openid: 'o', transaction_id: '1' }, { accessToken: 'Token-0123456789' });
    expect(r.ok).toBe(true);
  });
});

describe('item 17 (sibling): a file path that never finishes reading is bounded by timeoutMs', () => {
  it('a FIFO with no writer', async () => {
    const { mkdtempSync, openSync, closeSync, rmSync } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'wt-fifo-'));
    const fifo = join(dir, 'media.jpg');
    execFileSync('mkfifo', [fifo]);
    const s = await server((_q, res) => res.end('{"errcode":0}'));
    const mp = new MPTools({ ...app, baseUrl: s.url, timeoutMs: 200, retry: false });
    try {
      const err = await mp.uploadTempMedia({ type: 'image', media: fifo }, { accessToken: 'Token-0123456789' }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(WechatTimeoutError);
      expect(s.requests).toEqual([]);
    } finally {
      closeSync(openSync(fifo, 'w')); // release the reader left blocked on the FIFO
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('item 17: deadlineMs and errcode retries', () => {
  it('a backoff that does not fit is not taken: the errcode -1 answer comes back', async () => {
    let requests = 0;
    const mp = new MPTools({ ...app, accessToken: 'Token-0123456789', fetch: async () => (requests++, json('{"errcode":-1,"errmsg":"system busy"}')) });
    const r = await mp.getPaidUnionId({ openid: 'o', transaction_id: '1' }, { deadlineMs: 500, retry: { retries: 5, minDelayMs: 1000, maxDelayMs: 1000 } });
    expect(r.errcode).toBe(-1);
    expect(requests).toBe(1);
  });
});
