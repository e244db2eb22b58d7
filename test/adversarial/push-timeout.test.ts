// Issue 13 item 8: onMessage is bounded. One that never settles gets the request answered after
// `timeoutMs`, its signal aborted, and the dedupe key released so WeChat's retry runs; long work can be
// acknowledged first.
import { describe, expect, it } from 'vitest';
import { createPushHandler, type PushMessage } from '../../src/index.js';
import { appid, plainQuery, post, textXml, token } from './push-helpers.js';

describe('onMessage bound', () => {
  it('a handler that never resolves: the request is answered and the retry runs again', async () => {
    const signals: AbortSignal[] = [];
    let calls = 0;
    const push = createPushHandler({ token, appid, timeoutMs: 50 }, (_m, ctx) => {
      calls++;
      signals.push(ctx.signal);
      if (calls === 1) return new Promise<never>(() => {}); // hangs forever
      return 'second time lucky';
    });
    const body = textXml('slow', '4000000000000000001');
    const first = await push.fetch(post(plainQuery(), body));
    expect(first.status).toBe(503);
    expect(await first.text()).toBe('timeout');
    expect(signals[0]?.aborted).toBe(true);
    const retry = await push.fetch(post(plainQuery(), body));
    expect(retry.status).toBe(200);
    expect(await retry.text()).toContain('second time lucky');
    expect(calls).toBe(2);
  });

  it('the default bound is under WeChat’s 5 s', async () => {
    const push = createPushHandler({ token, appid }, () => undefined);
    expect(push.limits.timeoutMs).toBeLessThan(5000);
    expect(push.limits.timeoutMs).toBeGreaterThan(0);
  });

  it('acknowledgeFirst answers "success" before onMessage finishes; a failure is logged, not unhandled', async () => {
    const got: PushMessage[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const errors: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const logger = { debug() {}, info() {}, warn() {}, error: (_o: object, msg?: string) => void (errors.push(msg ?? ''), done()) };
    const push = createPushHandler({ token, appid, acknowledgeFirst: true, logger }, async (m) => {
      got.push(m);
      await gate; // would deadlock the test if the handler waited for it
      throw new Error('background failure');
    });
    const r = await push.fetch(post(plainQuery(), textXml('long work', '4000000000000000002')));
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('success');
    expect(got).toHaveLength(1);
    release();
    await finished;
    expect(errors[0]).toMatch(/onMessage failed/);
  });
});
