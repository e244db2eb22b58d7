// Soak: N calls from C concurrent callers against the mock WeChat (real loopback server) with a
// fraction of random faults. Every call must settle (WechatData or a typed error), with no
// unhandled rejection, bounded token requests and a steady heap.
// Usage: node --expose-gc --import tsx bench/soak.ts [calls=20000] [concurrency=50] [faultRate=0.1]
import { MPTools, WechatToolsError, type WechatClient } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP, type MockFailure } from '../src/testing/index.js';

export interface SoakResult {
  calls: number;
  settled: number;
  ok: number;
  errcodes: number;
  typedErrors: number;
  untypedErrors: number;
  unhandledRejections: number;
  tokenRequests: number;
  faultsInjected: number;
  heapMiB: { afterWarmup: number; atEnd: number; growth: number } | undefined;
  ms: number;
}

const OPS = [
  { op: 'getPhoneNumber', params: { code: 'c0de' } },
  { op: 'sendSubscribeMessage', params: { touser: 'o', template_id: 't', data: { thing1: { value: 'x' } } } },
  { op: 'getPaidUnionId', params: { openid: 'o', transaction_id: '4200000012201801015235481234' } },
] as const;

const FAULTS: MockFailure[] = [-1, 'network', { status: 502, body: '<html>bad gateway</html>', contentType: 'text/html' }, 40001, 42001, 45011, 'timeout'];

/** Small deterministic PRNG (mulberry32); the validator oracle test draws its inputs from it too. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const heapMiB = () => process.memoryUsage().heapUsed / 1024 / 1024;
const gc = (globalThis as { gc?: () => void }).gc;

export async function runSoak(calls = 20_000, concurrency = 50, faultRate = 0.1, seed = 42, timeoutMs = 200): Promise<SoakResult> {
  const random = rng(seed);
  const mock = createMockWechat({ tokenOverlapSeconds: 300 });
  const server = await mock.listen();
  let unhandled = 0;
  const onUnhandled = () => void unhandled++;
  process.on('unhandledRejection', onUnhandled);
  const client: WechatClient = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, timeoutMs, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 10 } });
  const r: SoakResult = { calls, settled: 0, ok: 0, errcodes: 0, typedErrors: 0, untypedErrors: 0, unhandledRejections: 0, tokenRequests: 0, faultsInjected: 0, heapMiB: undefined, ms: 0 };
  const started = performance.now();
  let next = 0;
  let afterWarmup: number | undefined;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= calls) return;
      if (i === Math.floor(calls / 10)) {
        gc?.();
        afterWarmup = heapMiB();
      }
      const { op, params } = OPS[i % OPS.length] as (typeof OPS)[number];
      if (random() < faultRate) {
        mock.failNext(op, FAULTS[Math.floor(random() * FAULTS.length)] as MockFailure);
        r.faultsInjected++;
      }
      try {
        const res = await client.call(op, { ...params });
        if (res.errcode === 0) r.ok++;
        else r.errcodes++;
      } catch (err) {
        if (err instanceof WechatToolsError) r.typedErrors++;
        else r.untypedErrors++;
      }
      r.settled++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    r.ms = Math.round(performance.now() - started);
    r.tokenRequests = mock.stats().tokenRequests.total;
    await new Promise((res) => setTimeout(res, 50));
    process.off('unhandledRejection', onUnhandled);
    r.unhandledRejections = unhandled;
    await server.close();
  }
  gc?.();
  if (afterWarmup !== undefined && gc) {
    const atEnd = heapMiB();
    r.heapMiB = { afterWarmup: Math.round(afterWarmup * 10) / 10, atEnd: Math.round(atEnd * 10) / 10, growth: Math.round((atEnd - afterWarmup) * 10) / 10 };
  }
  return r;
}

if (process.argv[1]?.endsWith('soak.ts')) {
  const [calls, concurrency, faultRate] = process.argv.slice(2).map(Number);
  runSoak(calls || 20_000, concurrency || 50, faultRate ?? 0.1).then((r) => console.log(JSON.stringify(r, null, 2)));
}
