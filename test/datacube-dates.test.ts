// Datacube date rules (spec dateRule): the end date filled in where it follows from the begin date,
// and every range WeChat would refuse rejected before the request, naming the operation, the field
// and the rule. Through the client against the mock (msw, onUnhandledRequest: 'error'), and the rule
// function itself with a fixed clock for "yesterday in China".
import { describe, expect, it } from 'vitest';
import { operationsOf } from '../src/client/operations.js';
import type { EndpointRow } from '../src/core/endpoint.js';
import { MPTools, OATools, WechatValidationError, type WechatClient } from '../src/index.js';
import { DEFAULT_MOCK_APP, type MockRequest } from '../src/testing/index.js';
import { applyDateRule, dateWindows } from '../src/validate/date-rules.js';
import { useMockWechat } from './helpers/msw.js';

const mock = useMockWechat();
const oa = new OATools({ ...DEFAULT_MOCK_APP });
const mp = new MPTools({ ...DEFAULT_MOCK_APP });

/** Record the body each call of `operation` sends; answer an empty list. */
function record(operation: string): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = [];
  mock.on(operation, (req: MockRequest) => {
    bodies.push(req.body);
    return { list: [] };
  });
  return bodies;
}

async function rejection(p: Promise<unknown>): Promise<WechatValidationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WechatValidationError);
  return err as WechatValidationError;
}

const row = (client: 'mp' | 'oa', op: string): EndpointRow => {
  const r = operationsOf(client).get(op);
  if (!r) throw new Error(`no ${op}`);
  return r;
};

describe('weekly (MP getweanalysisappidweekly*): Monday begin_date, Sunday end_date', () => {
  it('fills end_date in with the Sunday of begin_date\'s week', async () => {
    const sent = record('getWeeklyVisitTrend');
    const r = await mp.getWeeklyVisitTrend({ begin_date: '20240506' });
    expect(r.ok).toBe(true);
    expect(sent).toEqual([{ begin_date: '20240506', end_date: '20240512' }]);
  });

  it('rejects a begin_date that is not a Monday, and a wrong end_date, before the call', async () => {
    record('getWeeklyRetain');
    const notMonday = await rejection(mp.getWeeklyRetain({ begin_date: '20240508' }));
    expect(notMonday.message).toBe("getWeeklyRetain: invalid params: /begin_date must be a Monday (20240508 is a Wednesday; that week's Monday is 20240506)");
    expect(notMonday).toMatchObject({ operation: 'getWeeklyRetain', field: '/begin_date' });
    const wrongEnd = await rejection(mp.getWeeklyRetain({ begin_date: '20240506', end_date: '20240513' }));
    expect(wrongEnd.message).toBe("getWeeklyRetain: invalid params: /end_date must be the Sunday of begin_date's week (20240512)");
    expect(wrongEnd.field).toBe('/end_date');
    expect(mock.stats().calls['getWeeklyRetain'] ?? 0).toBe(0);
  });
});

describe('monthly (MP getweanalysisappidmonthly*): the 1st, and the last day of that month', () => {
  it('fills end_date in with the last day of the month (leap February too)', async () => {
    const sent = record('getMonthlyVisitTrend');
    await mp.getMonthlyVisitTrend({ begin_date: '20240201' });
    await mp.getMonthlyVisitTrend({ begin_date: '20230201' });
    await mp.getMonthlyVisitTrend({ begin_date: '20240401' });
    expect(sent.map((b) => b['end_date'])).toEqual(['20240229', '20230228', '20240430']);
  });

  it('rejects a begin_date that is not the 1st and an end_date that is not the month\'s last day', async () => {
    const notFirst = await rejection(mp.getMonthlyRetain({ begin_date: '20240215' }));
    expect(notFirst.message).toBe('getMonthlyRetain: invalid params: /begin_date must be the first day of a month (20240201)');
    const wrongEnd = await rejection(mp.getMonthlyRetain({ begin_date: '20240201', end_date: '20240228' }));
    expect(wrongEnd.message).toBe("getMonthlyRetain: invalid params: /end_date must be the last day of begin_date's month (20240229)");
    expect(mock.stats().requests).toBe(0);
  });
});

describe('one-day endpoints: begin_date == end_date', () => {
  it('fills end_date in with begin_date (MP daily, OA hourly / article summary)', async () => {
    const mpSent = record('getDailyVisitTrend');
    await mp.getDailyVisitTrend({ begin_date: '20240505' });
    expect(mpSent).toEqual([{ begin_date: '20240505', end_date: '20240505' }]);
    const oaSent = record('getArticleSummary');
    await oa.getArticleSummary({ begin_date: '2024-05-05' });
    expect(oaSent).toEqual([{ begin_date: '2024-05-05', end_date: '2024-05-05' }]);
  });

  it('rejects two different days', async () => {
    const err = await rejection(oa.getUserReadHour({ begin_date: '2024-05-05', end_date: '2024-05-06' }));
    expect(err.message).toBe('getUserReadHour: invalid params: /end_date must equal begin_date (2024-05-05): one day per call');
    const mpErr = await rejection(mp.getDailyRetain({ begin_date: '20240505', end_date: '20240506' }));
    expect(mpErr.field).toBe('/end_date');
    expect(mock.stats().requests).toBe(0);
  });
});

describe('OA /datacube spans: at most N days, both included', () => {
  it.each([
    ['getUserSummary', 7],
    ['getUserRead', 3],
    ['getUpstreamMsg', 7],
    ['getUpstreamMsgDist', 15],
    ['getInterfaceSummary', 30],
    ['getUpstreamMsgWeek', 30],
  ] as const)('%s: %i days pass, one more is refused', async (op, days) => {
    const sent = record(op);
    const last = new Date(Date.UTC(2024, 0, days)).toISOString().slice(0, 10);
    const over = new Date(Date.UTC(2024, 0, days + 1)).toISOString().slice(0, 10);
    const r = await oa.call(op, { begin_date: '2024-01-01', end_date: last });
    expect(r.ok).toBe(true);
    expect(sent).toEqual([{ begin_date: '2024-01-01', end_date: last }]);
    const err = await rejection(oa.call(op, { begin_date: '2024-01-01', end_date: over }));
    expect(err.message).toBe(`${op}: invalid params: /end_date must be at most ${days} days from begin_date, both included (${last} at the latest; got ${days + 1} days)`);
    expect(sent).toHaveLength(1);
  });

  it('refuses an end_date before begin_date, and requires end_date where it cannot be derived', async () => {
    const err = await rejection(oa.getUserSummary({ begin_date: '2024-05-07', end_date: '2024-05-01' }));
    expect(err.message).toBe('getUserSummary: invalid params: /end_date must not be before begin_date (2024-05-07)');
    const untyped: WechatClient = oa; // end_date left out on purpose
    const missing = await rejection(untyped.call('getUserSummary', { begin_date: '2024-05-07' }));
    expect(missing.field).toBe('/end_date');
    expect(mock.stats().requests).toBe(0);
  });
});

describe('MP getUserPortrait: spans of 1, 7 or 30 days', () => {
  it('passes 1, 7 and 30 days and refuses 3', async () => {
    mock.on('getUserPortrait', { ref_date: '20240501-20240530', visit_uv_new: {}, visit_uv: {} });
    for (const end of ['20240501', '20240507', '20240530']) expect((await mp.getUserPortrait({ begin_date: '20240501', end_date: end })).ok).toBe(true);
    const err = await rejection(mp.getUserPortrait({ begin_date: '20240501', end_date: '20240503' }));
    expect(err.message).toBe('getUserPortrait: invalid params: /end_date must make a span of 1, 7, 30 days from begin_date, both included (20240501, 20240507, 20240530; got 3 days)');
  });
});

describe('formats and future dates', () => {
  it('refuses a date in the other format, or one that does not exist', async () => {
    expect((await rejection(mp.getDailySummary({ begin_date: '2024-05-05' }))).message).toBe('getDailySummary: invalid params: /begin_date must be a real date in YYYYMMDD (got "2024-05-05")');
    expect((await rejection(oa.getUserSummary({ begin_date: '20240505', end_date: '20240506' }))).field).toBe('/begin_date');
    expect((await rejection(mp.getDailySummary({ begin_date: '20240230' }))).message).toMatch(/\/begin_date must be a real date in YYYYMMDD \(got "20240230"\)/);
    expect(mock.stats().requests).toBe(0);
  });

  it('refuses a future end_date ("at most yesterday")', async () => {
    const err = await rejection(oa.getUserSummary({ begin_date: '2999-01-01', end_date: '2999-01-02' }));
    expect(err.message).toMatch(/^getUserSummary: invalid params: \/end_date must be yesterday \(\d{4}-\d{2}-\d{2}, China time\) at the latest$/);
    expect((await rejection(mp.getDailyRetain({ begin_date: '29990107' }))).message).toMatch(/^getDailyRetain: invalid params: \/end_date must be yesterday \(\d{8}, China time\) at the latest$/);
    expect(mock.stats().requests).toBe(0);
  });

  it('the weekly and monthly docs set no "yesterday" limit: such a range goes to WeChat', async () => {
    const sent = record('getWeeklyVisitTrend');
    await mp.getWeeklyVisitTrend({ begin_date: '29990107' });
    expect(sent).toEqual([{ begin_date: '29990107', end_date: '29990113' }]);
  });

  it('"yesterday" is China time (UTC+8), at the day boundary', () => {
    const summary = row('oa', 'getUserSummary');
    const beforeMidnightCst = Date.UTC(2024, 4, 10, 15, 59); // 2024-05-10 23:59 in China: yesterday is 05-09
    const afterMidnightCst = Date.UTC(2024, 4, 10, 16, 1); // 2024-05-11 00:01 in China: yesterday is 05-10
    expect(() => applyDateRule(summary, { begin_date: '2024-05-10', end_date: '2024-05-10' }, true, beforeMidnightCst)).toThrow('/end_date must be yesterday (2024-05-09, China time) at the latest');
    expect(() => applyDateRule(summary, { begin_date: '2024-05-10', end_date: '2024-05-10' }, true, afterMidnightCst)).not.toThrow();
    const daily = row('mp', 'getDailySummary');
    expect(() => applyDateRule(daily, { begin_date: '20240510' }, true, beforeMidnightCst)).toThrow('/end_date must be yesterday (20240509, China time) at the latest');
    expect(() => applyDateRule(daily, { begin_date: '20240510' }, true, afterMidnightCst)).not.toThrow();
  });
});

describe('validateParams: false', () => {
  it('still fills end_date in, but checks nothing', async () => {
    const loose = new MPTools({ ...DEFAULT_MOCK_APP, validateParams: false });
    const sent = record('getWeeklyVisitTrend');
    await loose.getWeeklyVisitTrend({ begin_date: '20240508' });
    expect(sent).toEqual([{ begin_date: '20240508', end_date: '20240512' }]);
  });
});

describe('date windows for paginate', () => {
  it('cuts ranges by the rule: days, weeks, months; a lone begin_date is its own window', () => {
    expect(dateWindows(row('oa', 'getUserRead'), { begin_date: '2024-02-27', end_date: '2024-03-04' })).toEqual([
      { begin: '2024-02-27', end: '2024-02-29' },
      { begin: '2024-03-01', end: '2024-03-03' },
      { begin: '2024-03-04', end: '2024-03-04' },
    ]);
    expect(dateWindows(row('mp', 'getWeeklyRetain'), { begin_date: '20240506' })).toEqual([{ begin: '20240506', end: '20240512' }]);
    expect(dateWindows(row('mp', 'getMonthlyRetain'), { begin_date: '20241201', end_date: '20250115' })).toEqual([
      { begin: '20241201', end: '20241231' },
      { begin: '20250101', end: '20250131' },
    ]);
    expect(() => dateWindows(row('oa', 'getUserRead'), { begin_date: '2024-02-27' })).toThrow(/\/end_date is required/);
  });
});
