// client.paginate against the mock WeChat behind msw (onUnhandledRequest: 'error'): every pagination
// style over three pages or more, the documented ends, errcode mid-way, abort and maxItems.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError, loadSpecs } from '../codegen/load.js';
import { normalize } from '../codegen/normalize.js';
import type { LoadedSpec } from '../codegen/ir.js';
import { endpointTable } from '../generated/endpoints.js';
import { MPTools, OATools, WechatAbortError, WechatError, WechatPermissionError, WechatToolsError, WechatValidationError } from '../src/index.js';
import { DEFAULT_MOCK_APP, type MockRequest } from '../src/testing/index.js';
import { useMockWechat } from './helpers/msw.js';

const mock = useMockWechat();
const oa = new OATools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw' });
const mp = new MPTools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw' });

/** Serve `operation` from a function of the request, recording each request's params (query + body). */
function serve(operation: string, reply: (params: Record<string, unknown>, n: number) => Record<string, unknown>): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  mock.on(operation, (req: MockRequest) => {
    const { access_token: _token, ...query } = req.query;
    const params = { ...query, ...req.body };
    seen.push(params);
    return reply(params, seen.length);
  });
  return seen;
}

const openids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `OPENID${from + i}`);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('cursor pagination', () => {
  it('getFans: follows next_openid over 3 pages and stops once total is reached', async () => {
    const seen = serve('getFans', (p) => {
      const start = p['next_openid'] === undefined ? 1 : Number(String(p['next_openid']).slice(6)) + 1;
      const ids = openids(start, Math.min(3, 8 - start));
      return { total: 7, count: ids.length, data: { openid: ids }, next_openid: ids.at(-1) ?? '' };
    });
    const items: string[] = [];
    for await (const openid of oa.paginate('getFans', {})) items.push(openid);
    expect(items).toEqual(openids(1, 7));
    expect(seen.map((p) => p['next_openid'])).toEqual([undefined, 'OPENID3', 'OPENID6']);
  });

  it('getTagFans: stops on the documented end (empty next_openid, count 0) and keeps the other params', async () => {
    const pages = [openids(1, 2), openids(3, 2), openids(5, 2), []];
    const seen = serve('getTagFans', (_p, n) => {
      const ids = pages[n - 1] ?? [];
      return { count: ids.length, ...(ids.length > 0 ? { data: { openid: ids } } : {}), next_openid: ids.at(-1) ?? '' };
    });
    const items = await collect(oa.paginate('getTagFans', { tagid: 134 }));
    expect(items).toEqual(openids(1, 6));
    expect(seen).toEqual([{ tagid: 134 }, { tagid: 134, next_openid: 'OPENID2' }, { tagid: 134, next_openid: 'OPENID4' }, { tagid: 134, next_openid: 'OPENID6' }]);
  });

  it('getBlacklist: the reply cursor next_openid goes back as begin_openid', async () => {
    const pages = [openids(1, 2), openids(3, 2), openids(5, 1)];
    const seen = serve('getBlacklist', (_p, n) => {
      const ids = pages[n - 1] ?? [];
      return { total: 99, count: ids.length, data: { openid: ids }, next_openid: n < 3 ? (ids.at(-1) ?? '') : '' };
    });
    expect(await collect(oa.paginate('getBlacklist'))).toEqual(openids(1, 5));
    expect(seen.map((p) => p['begin_openid'])).toEqual([undefined, 'OPENID2', 'OPENID4']);
  });

  it('getKfMsgList: msgid starts at 1 and a page shorter than number is the last', async () => {
    const seen = serve('getKfMsgList', (p, n) => {
      const size = n < 3 ? Number(p['number']) : 1;
      const recordlist = Array.from({ length: size }, (_, i) => ({ openid: 'o', opercode: 2002, text: `m${n}.${i}`, time: 1400000000, worker: 'kf1@test' }));
      return { recordlist, number: size, msgid: Number(p['msgid']) + size };
    });
    const items = await collect(oa.paginate('getKfMsgList', { starttime: 1400000000, endtime: 1400003600, number: 2 }));
    expect(items.map((r) => r.text)).toEqual(['m1.0', 'm1.1', 'm2.0', 'm2.1', 'm3.0']);
    expect(seen.map((p) => p['msgid'])).toEqual([1, 3, 5]);
  });

  it('getShippingOrderList: last_index cursor, stops when has_more is false', async () => {
    const seen = serve('getShippingOrderList', (_p, n) => ({
      order_list: [{ transaction_id: `t${n}` }],
      last_index: `idx${n}`,
      has_more: n < 3,
    }));
    const items = await collect(mp.paginate('getShippingOrderList', { page_size: 1 }));
    expect(items.map((o) => o.transaction_id)).toEqual(['t1', 't2', 't3']);
    expect(seen.map((p) => p['last_index'])).toEqual([undefined, 'idx1', 'idx2']);
  });

  it('an unchanged cursor ends the walk instead of looping', async () => {
    const seen = serve('getTagFans', () => ({ count: 1, data: { openid: ['SAME'] }, next_openid: 'SAME' }));
    expect(await collect(oa.paginate('getTagFans', { tagid: 1 }))).toEqual(['SAME', 'SAME']);
    expect(seen).toHaveLength(2);
  });
});

describe('offset pagination', () => {
  it('batchGetMaterial: offset advances by the items received and stops at total_count', async () => {
    const seen = serve('batchGetMaterial', (p) => {
      const offset = Number(p['offset']);
      const item = Array.from({ length: Math.min(Number(p['count']), 5 - offset) }, (_, i) => ({ media_id: `M${offset + i}`, name: 'a.jpg', update_time: 1, url: 'http://x/a.jpg' }));
      return { total_count: 5, item_count: item.length, item };
    });
    const items = await collect(oa.paginate('batchGetMaterial', { type: 'image', count: 2 }));
    expect(items.map((m) => m.media_id)).toEqual(['M0', 'M1', 'M2', 'M3', 'M4']);
    expect(seen).toEqual([
      { type: 'image', offset: 0, count: 2 },
      { type: 'image', offset: 2, count: 2 },
      { type: 'image', offset: 4, count: 2 },
    ]);
  });

  it('listComment: the offset param is begin; starts where the caller says', async () => {
    const seen = serve('listComment', (p) => {
      const begin = Number(p['begin']);
      const comment = begin < 9 ? [{ user_comment_id: begin, openid: 'o', create_time: 1, content: `c${begin}`, comment_type: 0 }] : [];
      return { total: 9, comment };
    });
    const items = await collect(oa.paginate('listComment', { msg_data_id: 2247483647, index: 0, count: 1, type: 0, begin: 6 }));
    expect(items.map((c) => c.content)).toEqual(['c6', 'c7', 'c8']);
    expect(seen.map((p) => p['begin'])).toEqual([6, 7, 8]);
  });

  it('listKfBusiness: a page shorter than count is the last one', async () => {
    const sizes = [2, 2, 1];
    const seen = serve('listKfBusiness', (p, n) => ({
      list: Array.from({ length: sizes[n - 1] ?? 0 }, (_, i) => ({ business_id: Number(p['offset']) + i, account_name: 'a', nickname: 'n', icon_media_id: 'm', icon_url: 'u' })),
    }));
    const items = await collect(mp.paginate('listKfBusiness', { count: 2 }));
    expect(items.map((b) => b.business_id)).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toHaveLength(3);
  });

  it('an empty page ends the walk (no total in the reply)', async () => {
    const sizes = [2, 2, 2, 0];
    const seen = serve('getLegacyTemplateList', (p, n) => ({
      list: Array.from({ length: sizes[n - 1] ?? 0 }, (_, i) => ({ template_id: `T${Number(p['offset']) + i}`, title: 't', content: 'c', example: 'e' })),
    }));
    const items = await collect(mp.paginate('getLegacyTemplateList', { count: 2 }));
    expect(items.map((t) => t.template_id)).toEqual(['T0', 'T1', 'T2', 'T3', 'T4', 'T5']);
    expect(seen.map((p) => p['offset'])).toEqual([0, 2, 4, 6]);
  });
});

describe('page pagination', () => {
  it('getFeedback: page goes 1, 2, 3 until total_num items came', async () => {
    const seen = serve('getFeedback', (p) => {
      const page = Number(p['page']);
      return { total_num: 5, list: Array.from({ length: page < 3 ? 2 : 1 }, (_, i) => ({ record_id: page * 10 + i, content: 'x' })) };
    });
    const items = await collect(mp.paginate('getFeedback', { num: 2 }));
    expect(items.map((f) => f.record_id)).toEqual([10, 11, 20, 21, 30]);
    // a GET: the page number travels in the query string
    expect(seen.map((p) => p['page'])).toEqual(['1', '2', '3']);
  });

  it('describeSmsRecords: PageNumber from 1, stops at TotalCount', async () => {
    const seen = serve('describeSmsRecords', (p) => ({
      SmsRecords: [{ Mobile: `+86130000000${String(p['PageNumber'])}`, Status: 'success' }],
      TotalCount: 3,
      RequestId: 'r',
    }));
    const items = await collect(mp.paginate('describeSmsRecords', { EnvId: 'env', StartDate: '2024-05-01', EndDate: '2024-05-02', PageSize: 1 }));
    expect(items.map((r) => r.Mobile)).toEqual(['+861300000001', '+861300000002', '+861300000003']);
    expect(seen.map((p) => p['PageNumber'])).toEqual([1, 2, 3]);
  });
});

describe('window pagination (datacube)', () => {
  it('getUserSummary: a 20-day range is cut into windows of at most 7 days', async () => {
    const seen = serve('getUserSummary', (p) => ({ list: [{ ref_date: p['begin_date'], user_source: 0, new_user: 1, cancel_user: 0 }] }));
    const pages = await collect(oa.paginate('getUserSummary', { begin_date: '2024-05-01', end_date: '2024-05-20' }).pages());
    expect(seen).toEqual([
      { begin_date: '2024-05-01', end_date: '2024-05-07' },
      { begin_date: '2024-05-08', end_date: '2024-05-14' },
      { begin_date: '2024-05-15', end_date: '2024-05-20' },
    ]);
    expect(pages.map((r) => r.list?.[0]?.ref_date)).toEqual(['2024-05-01', '2024-05-08', '2024-05-15']);
  });

  it('getWeeklyVisitTrend: one call per week, an empty week does not end the range', async () => {
    const seen = serve('getWeeklyVisitTrend', (p, n) => ({ list: n === 2 ? [] : [{ ref_date: `${String(p['begin_date'])}-${String(p['end_date'])}`, session_cnt: n }] }));
    const items = await collect(mp.paginate('getWeeklyVisitTrend', { begin_date: '20240506', end_date: '20240526' }));
    expect(seen).toEqual([
      { begin_date: '20240506', end_date: '20240512' },
      { begin_date: '20240513', end_date: '20240519' },
      { begin_date: '20240520', end_date: '20240526' },
    ]);
    expect(items.map((t) => t.ref_date)).toEqual(['20240506-20240512', '20240520-20240526']);
  });

  it('getMonthlyVisitTrend: whole months from the 1st, February included', async () => {
    const seen = serve('getMonthlyVisitTrend', (p) => ({ list: [{ ref_date: String(p['begin_date']).slice(0, 6) }] }));
    const items = await collect(mp.paginate('getMonthlyVisitTrend', { begin_date: '20240101', end_date: '20240331' }));
    expect(items.map((t) => t.ref_date)).toEqual(['202401', '202402', '202403']);
    expect(seen.map((p) => p['end_date'])).toEqual(['20240131', '20240229', '20240331']);
  });

  it('a bad range is refused before any request', async () => {
    await expect(collect(oa.paginate('getUserSummary', { begin_date: '2024-05-10', end_date: '2024-05-01' }))).rejects.toThrow(/getUserSummary: invalid params: \/end_date must not be before begin_date/);
    await expect(collect(mp.paginate('getWeeklyVisitTrend', { begin_date: '20240508', end_date: '20240526' }))).rejects.toThrow(/\/begin_date must be a Monday/);
    expect(mock.stats().calls['getUserSummary'] ?? 0).toBe(0);
    expect(mock.stats().calls['getWeeklyVisitTrend'] ?? 0).toBe(0);
  });
});

describe('stopping', () => {
  it('an errcode mid-way throws the typed WechatError after the earlier items', async () => {
    const seen = serve('batchGetDraft', (p, n) => (n === 2 ? { errcode: 48001, errmsg: 'api unauthorized rid: 1a2b3c-4d5e6f-7a8b9c' } : { total_count: 10, item_count: 2, item: [{ media_id: `D${String(p['offset'])}`, update_time: 1 }, { media_id: 'x', update_time: 1 }] }));
    const got: string[] = [];
    const err = await (async () => {
      for await (const d of oa.paginate('batchGetDraft', { count: 2 })) got.push(String(d.media_id));
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(got).toEqual(['D0', 'x']);
    expect(err).toBeInstanceOf(WechatPermissionError);
    expect(err).toBeInstanceOf(WechatError);
    expect(err).toMatchObject({ errcode: 48001, operation: 'batchGetDraft' });
    expect(seen.map((p) => p['offset'])).toEqual([0, 2]);
  });

  it('also when iterating pages()', async () => {
    serve('getTagFans', (_p, n) => (n === 3 ? { errcode: 45009, errmsg: 'reach max api daily quota limit rid: 1a2b3c-4d5e6f-7a8b9c' } : { count: 1, data: { openid: [`O${n}`] }, next_openid: `O${n}` }));
    const pages: unknown[] = [];
    await expect(
      (async () => {
        for await (const page of oa.paginate('getTagFans', { tagid: 1 }).pages()) pages.push(page);
      })(),
    ).rejects.toMatchObject({ errcode: 45009 });
    expect(pages).toHaveLength(2);
  });

  it('maxItems stops the items and the requests', async () => {
    const seen = serve('getFans', (p) => {
      const start = p['next_openid'] === undefined ? 1 : Number(String(p['next_openid']).slice(6)) + 1;
      const ids = openids(start, 3);
      return { total: 1000, count: 3, data: { openid: ids }, next_openid: ids.at(-1) ?? '' };
    });
    expect(await collect(oa.paginate('getFans', {}, { maxItems: 5 }))).toEqual(openids(1, 5));
    expect(seen).toHaveLength(2);
    const pages = await collect(oa.paginate('getFans', {}, { maxItems: 4 }).pages());
    expect(pages).toHaveLength(2);
    expect(await collect(oa.paginate('getFans', {}, { maxItems: 0 }))).toEqual([]);
    expect(seen).toHaveLength(4);
    await expect(collect(oa.paginate('getFans', {}, { maxItems: -1 }))).rejects.toThrow(WechatValidationError);
  });

  it('an AbortSignal stops the walk with WechatAbortError', async () => {
    const seen = serve('getFans', (p) => {
      const start = p['next_openid'] === undefined ? 1 : Number(String(p['next_openid']).slice(6)) + 1;
      const ids = openids(start, 2);
      return { total: 1000, count: 2, data: { openid: ids }, next_openid: ids.at(-1) ?? '' };
    });
    const controller = new AbortController();
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const openid of oa.paginate('getFans', {}, { signal: controller.signal })) {
          got.push(openid);
          if (got.length === 3) controller.abort();
        }
      })(),
    ).rejects.toThrow(WechatAbortError);
    expect(got).toEqual(openids(1, 3));
    expect(seen).toHaveLength(2);
    // already aborted: no request at all
    await expect(collect(oa.paginate('getFans', {}, { signal: AbortSignal.abort() }))).rejects.toThrow(WechatAbortError);
    expect(seen).toHaveLength(2);
  });

  it('an unknown or unpaginated operation is refused without a request', async () => {
    await expect(collect((oa as unknown as { paginate(op: string): AsyncIterable<unknown> }).paginate('getFanz'))).rejects.toThrow(WechatToolsError);
    await expect(collect((oa as unknown as { paginate(op: string, p: object): AsyncIterable<unknown> }).paginate('getUserInfo', { openid: 'o' }))).rejects.toThrow(/getUserInfo: invalid params: \(params\) cannot be paginated/);
    expect(mock.stats().requests).toBe(0);
  });
});

describe('the pagination spec field', () => {
  it('is checked against the endpoint\'s params and reply schema by the generator', async () => {
    const { specs, shared } = await loadSpecs(path.resolve(import.meta.dirname, '..'), ['spec/officialaccount/user/getFans.yaml', 'spec/officialaccount/datacube/getUserSummary.yaml']);
    expect(normalize(specs, shared).map((ep) => ep.pagination?.style)).toEqual(['window', 'cursor']);
    const broken = (patch: (s: LoadedSpec) => void): string[] => {
      const copy = structuredClone(specs);
      for (const s of copy) patch(s);
      try {
        normalize(copy, shared);
        return [];
      } catch (err) {
        if (err instanceof SpecError) return err.problems;
        throw err;
      }
    };
    const fans = (s: LoadedSpec) => s.doc.operation === 'getFans';
    expect(broken((s) => fans(s) && (s.doc.pagination = { style: 'cursor', param: 'next_openid', next: 'next_openid', items: 'total' }))).toEqual([
      'spec/officialaccount/user/getFans.yaml: /pagination/items: "total" is not an array in the reply schema',
    ]);
    expect(broken((s) => fans(s) && (s.doc.pagination = { style: 'cursor', param: 'begin_openid', items: 'data.openid' }))).toEqual([
      'spec/officialaccount/user/getFans.yaml: /pagination/param: "begin_openid" is not a declared param',
      'spec/officialaccount/user/getFans.yaml: /pagination/next: required with style cursor',
    ]);
    expect(broken((s) => !fans(s) && delete s.doc.dateRule)).toContain('spec/officialaccount/datacube/getUserSummary.yaml: /pagination: style window needs a dateRule (the window sizes)');
  });

  it('every paginated endpoint of the table names its moving param and items', () => {
    const paged = endpointTable.filter((r) => r.pagination);
    expect(paged.length).toBeGreaterThanOrEqual(50);
    for (const style of ['cursor', 'offset', 'page', 'window']) expect(paged.some((r) => r.pagination?.style === style), style).toBe(true);
    for (const r of paged) if (r.pagination?.style === 'window') expect(r.dateRule, r.id).toBeDefined();
  });
});
