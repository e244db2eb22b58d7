// The soak, reduced (2,000 calls; `npm run soak` runs 20,000): every call settles with a WechatData
// or a typed error, no unhandled rejection, token requests bounded.
import { expect, it } from 'vitest';
import { runSoak } from '../bench/soak.js';

it('2,000 calls × 50 callers with 10 % faults all settle', async () => {
  // A generous per-attempt timeout: on a loaded machine a healthy call must never be mistaken for a
  // 'timeout' fault, so every failure below is one that the mock injected (behaviour, not speed).
  const r = await runSoak(2_000, 50, 0.1, 42, 5_000);
  expect(r.settled).toBe(2_000);
  expect(r.ok + r.errcodes + r.typedErrors).toBe(2_000);
  expect(r.untypedErrors).toBe(0);
  expect(r.unhandledRejections).toBe(0);
  expect(r.faultsInjected).toBeGreaterThan(100);
  // every call that did not succeed met an injected fault (one fault spoils at most one call)
  expect(r.errcodes + r.typedErrors).toBeLessThanOrEqual(r.faultsInjected);
  // token faults (40001/42001) are ~2/7 of the faults; each costs at most one refresh
  expect(r.tokenRequests).toBeLessThanOrEqual(1 + r.faultsInjected);
});
