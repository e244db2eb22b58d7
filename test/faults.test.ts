// The fault matrix: every fault × a GET, an idempotent POST and a send-type POST, against the mock
// WeChat on a real loopback server. Each row asserts the outcome, how many requests reached WeChat,
// and that nothing is left pending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examples } from '../generated/examples.js';
import { endpointTable } from '../generated/endpoints.js';
import {
  MPTools,
  WechatError,
  WechatIpError,
  WechatNetworkError,
  WechatPermissionError,
  WechatQuotaError,
  WechatResponseError,
  WechatTimeoutError,
  type WechatClient,
} from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP, type MockFailure, type MockServer } from '../src/testing/index.js';

const mock = createMockWechat({ tokenOverlapSeconds: 0 });
let server: MockServer;
beforeAll(async () => {
  server = await mock.listen();
});
afterAll(async () => {
  await server.close();
});

const OPS = {
  get: { op: 'getPaidUnionId', params: { openid: 'o', transaction_id: '4200000012201801015235481234' } },
  idempotentPost: { op: 'getPhoneNumber', params: { code: 'c0de' } },
  send: { op: 'sendSubscribeMessage', params: { touser: 'o', template_id: 't', data: { thing1: { value: 'x' } } } },
} as const;
type Kind = keyof typeof OPS;

function successBody(op: string): string {
  const row = endpointTable.find((r) => r.op === op && r.clients.includes('mp'));
  const ex = (examples[row?.id ?? ''] ?? []).find((e) => !e.response?.['errcode']);
  return JSON.stringify(ex?.response ?? {});
}

type Expect = { outcome: 'ok' | number | (new (...a: never[]) => Error); requests: number };
type Row = { fault: string; make: (op: string) => MockFailure | 'refused'; expect: Record<Kind, Expect> };

const same = (e: Expect): Record<Kind, Expect> => ({ get: e, idempotentPost: e, send: e });
const retried = (sendOutcome: Expect['outcome']): Record<Kind, Expect> => ({
  get: { outcome: 'ok', requests: 2 },
  idempotentPost: { outcome: 'ok', requests: 2 },
  send: { outcome: sendOutcome, requests: 1 },
});

const rows: Row[] = [
  ...[500, 502, 503, 504].map((status) => ({
    fault: `HTTP ${status} (HTML)`,
    make: () => ({ status, body: `<html><body>${status}</body></html>`, contentType: 'text/html' }),
    expect: retried(WechatResponseError),
  })),
  { fault: 'connection reset', make: () => 'network' as const, expect: retried(WechatNetworkError) },
  // refused: never reached WeChat, so even a send is retried; 3 attempts, none arrive
  { fault: 'connection refused', make: () => 'refused' as const, expect: same({ outcome: WechatNetworkError, requests: 0 }) },
  { fault: 'timeout', make: () => 'timeout' as const, expect: retried(WechatTimeoutError) },
  { fault: 'truncated JSON', make: (op) => ({ status: 200, body: successBody(op).slice(0, 12), contentType: 'application/json' }), expect: same({ outcome: WechatResponseError, requests: 1 }) },
  { fault: 'HTML error page (200)', make: () => ({ status: 200, body: '<!doctype html><title>error</title>', contentType: 'text/html' }), expect: same({ outcome: WechatResponseError, requests: 1 }) },
  { fault: 'empty body', make: () => ({ status: 200, body: '', contentType: 'application/json' }), expect: same({ outcome: WechatResponseError, requests: 1 }) },
  { fault: 'text/plain JSON', make: (op) => ({ status: 200, body: successBody(op), contentType: 'text/plain' }), expect: same({ outcome: 'ok', requests: 1 }) },
  { fault: 'image/jpeg with a JSON body', make: (op) => ({ status: 200, body: successBody(op), contentType: 'image/jpeg' }), expect: same({ outcome: 'ok', requests: 1 }) },
  // refused past the 8 MiB cap (maxResponseBytes) without reading the rest; never retried
  { fault: 'a body far larger than expected (9 MiB)', make: () => ({ status: 200, body: `{"errcode":0,"pad":"${'x'.repeat(9 * 1024 * 1024)}"}`, contentType: 'application/json' }), expect: same({ outcome: WechatResponseError, requests: 1 }) },
  { fault: 'errcode -1 (system busy)', make: () => -1, expect: retried(-1) },
  ...[45009, 45011, 48001, 40164, 89503].map((errcode) => ({ fault: `errcode ${errcode}`, make: () => errcode, expect: same({ outcome: errcode, requests: 1 }) })),
];

const cases = rows.flatMap((row) => (Object.keys(OPS) as Kind[]).map((kind) => [row.fault, kind, row] as const));

async function settled(): Promise<number> {
  for (let i = 0; i < 200 && mock.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return mock.pending;
}

describe('fault matrix', () => {
  it.each(cases)('%s × %s', async (_fault, kind, row) => {
    mock.reset();
    const { op, params } = OPS[kind];
    const failure = row.make(op);
    // Only the 'timeout' rows wait for a timeout; every other row gets a bound no loaded machine reaches,
    // so its outcome is the fault's, never a timeout's.
    const base = { ...DEFAULT_MOCK_APP, timeoutMs: failure === 'timeout' ? 300 : 20_000, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } };
    const client: WechatClient = failure === 'refused' ? new MPTools({ ...base, baseUrl: 'http://127.0.0.1:1' }) : new MPTools({ ...base, baseUrl: server.url });
    const callOpts = failure === 'refused' ? { accessToken: 'not-needed' } : {};
    if (failure !== 'refused') {
      await client.getAccessToken();
      mock.failNext(op, failure);
    }
    let result: unknown;
    let error: unknown;
    try {
      result = await client.call(op, { ...params }, callOpts);
    } catch (e) {
      error = e;
    }
    const want = row.expect[kind];
    if (want.outcome === 'ok') {
      expect(error).toBeUndefined();
      expect((result as { errcode: number }).errcode).toBe(0);
    } else if (typeof want.outcome === 'number') {
      expect(error).toBeUndefined();
      expect((result as { errcode: number }).errcode).toBe(want.outcome);
    } else {
      expect(error).toBeInstanceOf(want.outcome);
      expect((error as WechatError).operation).toBe(op);
      if (row.fault.includes('9 MiB')) expect((error as Error).message).toMatch(/maxResponseBytes/);
    }
    expect(mock.stats().calls[op] ?? 0).toBe(want.requests);
    expect(await settled()).toBe(0);
  });
});

describe('errcodes that need a person are typed errors with a hint', () => {
  it.each([
    [45009, WechatQuotaError, /clearQuota/],
    [45011, WechatQuotaError, /next minute/],
    [48001, WechatPermissionError, /permission/],
    [40164, WechatIpError, /whitelist/],
    [89503, WechatIpError, /administrator/],
  ] as const)('%i → %s', async (errcode, type, hint) => {
    mock.reset();
    const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, throwOnError: true });
    mock.on('getPhoneNumber', { errcode, errmsg: `errcode ${errcode}` });
    const err = await mp.getPhoneNumber({ code: 'c' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect(err).toBeInstanceOf(WechatError);
    expect((err as WechatError).hint).toMatch(hint);
    expect(mock.stats().calls['getPhoneNumber']).toBe(1);
  });
});

describe('aborting cancels retries', () => {
  it('an abort during backoff stops at once', async () => {
    mock.reset();
    const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, retry: { retries: 5, minDelayMs: 5_000, maxDelayMs: 5_000 } });
    await mp.getAccessToken();
    mock.failNext('getPhoneNumber', -1);
    const ctl = new AbortController();
    const p = mp.getPhoneNumber({ code: 'c' }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 30);
    await expect(p).rejects.toThrow(/aborted/);
    expect(mock.stats().calls['getPhoneNumber']).toBe(1);
  });
});

export const faultRows = cases.length;
