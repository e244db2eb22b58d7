// Issue 16, runtime feature 3: format gaps the spec writers found, each a spec field the one runtime reads.
// a) response.failureField: a failure inside a success reply (resultcode, delivery_resultcode, base_resp.ret)
// b) request.requiredWhen: conditional requirements (if/then in the params schema), checked before the call
// c) request.rawBody: one param is the whole POST body, sent byte for byte
// Calls go to the mock WeChat through a recording fetch (`fetch: (r) => mock.handle(r)`), or to a bare
// node:http server for the default transport.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LoadedSpec, SpecDoc } from '../codegen/ir.js';
import { normalize } from '../codegen/normalize.js';
import { endpointTable } from '../generated/endpoints.js';
import { MPTools, OATools, WechatError, WechatValidationError } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../src/testing/index.js';
import { validateParams } from '../src/validate/validate.js';

interface Wire {
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  body: string;
}

const { apiSecurity: _keys, ...app } = DEFAULT_MOCK_APP;

/** MP and OA clients on one mock, and every request they sent (token requests included). */
function wired(options: { throwOnError?: boolean } = {}) {
  const mock = createMockWechat();
  const wire: Wire[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    wire.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), contentType: req.headers.get('content-type'), body: req.method === 'POST' ? await req.clone().text() : '' });
    return mock.handle(req);
  };
  const common = { ...app, fetch, validateResponses: 'throw' as const, ...options };
  return { mock, wire, mp: new MPTools(common), oa: new OATools(common), sent: (path: string) => wire.filter((w) => w.path === path) };
}

describe('a) response.failureField: a failure reported inside a success reply', () => {
  it('the specs with such fields are marked (express delivery_*, immediate-delivery resultcode, base_resp.ret)', () => {
    const marked = endpointTable.filter((r) => r.failureField);
    const byCode = (code: string) => marked.filter((r) => r.failureField?.code === code).map((r) => r.op).sort();
    expect(byCode('delivery_resultcode')).toEqual(['addExpressOrder', 'cancelExpressOrder']);
    expect(byCode('resultcode')).toHaveLength(15);
    expect(byCode('resultcode')).toContain('addLocalOrder');
    expect(byCode('base_resp.ret')).toEqual(['getPublisherStat']);
    expect(marked.find((r) => r.op === 'getPublisherStat')?.failureField).toEqual({ code: 'base_resp.ret', message: 'base_resp.err_msg' });
  });

  it('errcode 0 with a non-zero resultcode: ok false, errcode and errmsg from resultcode / resultmsg; the reply fields stay', async () => {
    const { mp, mock } = wired();
    mock.on('getBindAccount', { errcode: 0, errmsg: 'ok', resultcode: 2, resultmsg: '运力不足' });
    const r = await mp.getBindAccount();
    expect(r.ok).toBe(false);
    expect(r.errcode).toBe(2);
    expect(r.errmsg).toBe('运力不足 (resultcode 2)');
    expect((r as unknown as Record<string, unknown>)['resultcode']).toBe(2);
  });

  it('resultcode 0 is a success; a non-zero errcode wins over the failure field', async () => {
    const { mp, mock } = wired();
    mock.on('getBindAccount', { errcode: 0, errmsg: 'ok', resultcode: 0, resultmsg: 'ok', shop_list: [] });
    const ok = await mp.getBindAccount();
    expect([ok.ok, ok.errcode, ok.errmsg]).toEqual([true, 0, 'ok']);
    mock.on('getBindAccount', { errcode: 40003, errmsg: 'invalid openid rid: 1-2-3', resultcode: 7, resultmsg: 'x' });
    const bad = await mp.getBindAccount();
    expect([bad.ok, bad.errcode]).toEqual([false, 40003]);
  });

  it('throwOnError: a WechatError naming the fields (delivery_resultcode / delivery_resultmsg of cancelExpressOrder)', async () => {
    const { mp, mock } = wired({ throwOnError: true });
    mock.on('cancelExpressOrder', { errcode: 0, errmsg: 'ok', delivery_resultcode: 10002, delivery_resultmsg: '客户密码不正确' });
    const err = await mp.cancelExpressOrder({ order_id: '01234567890123456789', openid: 'oABC', delivery_id: 'SF', waybill_id: '123456789' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatError);
    expect((err as WechatError).errcode).toBe(10002);
    expect((err as WechatError).errmsg).toBe('客户密码不正确 (delivery_resultcode 10002)');
    expect((err as WechatError).message).toMatch(/^cancelExpressOrder: WeChat errcode 10002: 客户密码不正确 \(delivery_resultcode 10002\)/);
  });

  it('a nested code (base_resp.ret of getPublisherStat): ok false with ret and err_msg', async () => {
    const { oa, mock } = wired();
    mock.on('getPublisherStat', { base_resp: { ret: 2009, err_msg: 'invalid publisher' } });
    const r = await oa.getPublisherStat({ action: 'publisher_adpos_general', start_date: '2026-01-01', end_date: '2026-01-02', page: 1, page_size: 10 });
    expect([r.ok, r.errcode, r.errmsg]).toEqual([false, 2009, 'invalid publisher (base_resp.ret 2009)']);
    mock.on('getPublisherStat', { base_resp: { ret: 0, err_msg: 'ok' }, list: [], total_num: 0 });
    const ok = await oa.getPublisherStat({ action: 'publisher_adpos_general', start_date: '2026-01-01', end_date: '2026-01-02', page: 1, page_size: 10 });
    expect([ok.ok, ok.errcode]).toEqual([true, 0]);
  });
});

describe('b) request.requiredWhen: conditional requirements, checked before the call', () => {
  // spec id → params that break the documented condition → the error
  const MARKED: [string, Record<string, unknown>, string][] = [
    ['miniprogram/shipping/opSpecialOrder', { order_id: '1', type: 1 }, '/delay_to is required when type = 1'],
    ['miniprogram/live-broadcast/getLiveInfo', { start: 0, limit: 10, action: 'get_replay' }, '/room_id is required when action = "get_replay"'],
    ['miniprogram/plugin/managePlugin', { action: 'apply' }, '/reason is required when action = "apply"'],
    ['miniprogram/qrcode-link/queryUrlLink', { query_type: 0 }, '/url_link is required when query_type = 0'],
    ['miniprogram/qrcode-link/queryScheme', { query_type: 0 }, '/scheme is required when query_type = 0'],
    ['officialaccount/invoice/getInvoiceUserTitleUrl', { user_fill: 0 }, '/title is required when user_fill = 0'],
    ['miniprogram/intracity-delivery/intracityCreateStore', { out_store_id: 's', store_name: 'n', order_pattern: 2 }, '/service_trans_prefer is required when order_pattern = 2'],
    ['miniprogram/intracity-delivery/intracityStoreCharge', { service_trans_id: 'SFTC', amount: 5000, pay_mode: 'PAY_MODE_STORE' }, '/wx_store_id is required when pay_mode = "PAY_MODE_STORE"'],
    ['miniprogram/intracity-delivery/intracityBalanceQuery', { pay_mode: 'PAY_MODE_STORE' }, '/wx_store_id is required when pay_mode = "PAY_MODE_STORE"'],
    ['miniprogram/intracity-delivery/intracityStoreRefund', { service_trans_id: 'SFTC', pay_mode: 'PAY_MODE_STORE' }, '/wx_store_id is required when pay_mode = "PAY_MODE_STORE"'],
    ['officialaccount/mass-message/massSend', { touser: ['a', 'b'], msgtype: 'voice', text: { content: 'x' } }, '/voice is required when msgtype = "voice"'],
    ['officialaccount/mass-message/sendAll', { filter: { is_to_all: true }, msgtype: 'mpvideo', text: { content: 'x' } }, '/mpvideo is required when msgtype = "mpvideo"'],
    ['officialaccount/customer-service/sendCustomMessage', { touser: 'o', msgtype: 'msgmenu', text: { content: 'x' } }, '/msgmenu is required when msgtype = "msgmenu"'],
    ['miniprogram/customer-service/sendCustomMessage', { touser: 'o', msgtype: 'link', text: { content: 'x' } }, '/link is required when msgtype = "link"'],
    // inside a param: if/then in the param's schema
    ['miniprogram/shipping/uploadShippingInfo', { order_key: { order_number_type: 1, mchid: '1230000109' } }, '/order_key/out_trade_no is required when order_number_type = 1'],
    ['miniprogram/shipping/uploadShippingInfo', { order_key: { order_number_type: 2 } }, '/order_key/transaction_id is required when order_number_type = 2'],
    ['officialaccount/draft-box/addDraft', { articles: [{ title: 't', content: 'c', thumb_media_id: 'm' }, { title: 't', content: 'c' }] }, '/articles/1/thumb_media_id is required when article_type = "news"'],
    ['officialaccount/draft-box/addDraft', { articles: [{ article_type: 'newspic', title: 't', content: 'c' }] }, '/articles/0/image_info is required when article_type = "newspic"'],
    ['officialaccount/draft-box/updateDraft', { media_id: 'm', index: 0, articles: { title: 't', content: 'c' } }, '/articles/thumb_media_id is required when article_type = "news"'],
    ['miniprogram/live-broadcast/addGoods', { goodsInfo: { coverImgUrl: 'm', name: 'n', priceType: 3, price: 10, url: 'pages/a' } }, '/goodsInfo/price2 is required when priceType ∈ [2,3]'],
  ];

  it.each(MARKED)('%s: the documented condition is checked', async (id, params, message) => {
    const row = endpointTable.find((r) => r.id === id);
    expect(row, id).toBeDefined();
    await expect((async () => validateParams(row as NonNullable<typeof row>, params))()).rejects.toThrow(`${row?.op}: invalid params: ${message}`);
  });

  it('opSpecialOrder type 1 without delay_to: a validation error naming the field, the endpoint and the condition; nothing sent', async () => {
    const { mp, sent } = wired();
    const err = await mp.opSpecialOrder({ order_id: '123456', type: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as WechatValidationError).field).toBe('/delay_to');
    expect((err as WechatValidationError).message).toBe('opSpecialOrder: invalid params: /delay_to is required when type = 1');
    expect(sent('/wxa/sec/order/opspecialorder')).toHaveLength(0);
    // type 2 needs no delay_to; type 1 with it goes through
    expect((await mp.opSpecialOrder({ order_id: '123456', type: 2 })).ok).toBe(true);
    expect((await mp.opSpecialOrder({ order_id: '123456', type: 1, delay_to: 1752035828 })).ok).toBe(true);
    expect(sent('/wxa/sec/order/opspecialorder')).toHaveLength(2);
  });

  it('a string condition (OA sendCustomMessage msgtype image needs image, not text; MP managePlugin apply needs reason)', async () => {
    const { mp, oa } = wired();
    await expect(oa.sendCustomMessage({ touser: 'OPENID', msgtype: 'image', text: { content: 'hi' } })).rejects.toThrow('sendCustomMessage: invalid params: /image is required when msgtype = "image"');
    await expect(mp.managePlugin({ action: 'apply', plugin_appid: 'wx5514af450eaceec2' })).rejects.toThrow('managePlugin: invalid params: /reason is required when action = "apply"');
    expect((await mp.managePlugin({ action: 'list' })).ok).toBe(true);
  });

  it('validateParams: false leaves the check to WeChat (the request is sent)', async () => {
    const mock = createMockWechat();
    let calls = 0;
    const mp = new MPTools({ ...app, validateParams: false, fetch: (r) => ((calls += new URL(r.url).pathname === '/wxa/sec/order/opspecialorder' ? 1 : 0), mock.handle(r)) });
    await mp.opSpecialOrder({ order_id: '123456', type: 1 });
    expect(calls).toBe(1);
  });
});

describe('c) request.rawBody: one param is the whole body, byte for byte', () => {
  it('invokeCloudFunction: the event object is the JSON body; env and name in the query', async () => {
    const { mp, mock, sent } = wired();
    mock.on('invokeCloudFunction', (req) => ({ errcode: 0, errmsg: 'ok', resp_data: JSON.stringify({ event: req.body['POSTBODY'] }) }));
    const r = await mp.invokeCloudFunction({ env: 'test-env', name: 'echo', POSTBODY: { a: 1, b: ['x'] } });
    expect(r.ok).toBe(true);
    expect(JSON.parse(r.resp_data ?? '')).toEqual({ event: { a: 1, b: ['x'] } });
    const w = sent('/tcb/invokecloudfunction')[0];
    expect(w?.body).toBe('{"a":1,"b":["x"]}');
    expect(w?.contentType).toBe('application/json');
    expect(Object.keys(w?.query ?? {}).sort()).toEqual(['access_token', 'env', 'name']);
  });

  it('invokeCloudFunction: a JSON string is sent as is (spacing and key order kept)', async () => {
    const { mp, sent } = wired();
    const text = '{ "z": 1,\n  "a": "微信" }';
    await mp.invokeCloudFunction({ env: 'test-env', name: 'echo', POSTBODY: text });
    expect(sent('/tcb/invokecloudfunction')[0]?.body).toBe(text);
  });

  it('translateContent: the text is the text/plain body; lfrom and lto in the query', async () => {
    const { oa, sent } = wired();
    const r = await oa.translateContent({ lfrom: 'zh_CN', lto: 'en_US', content: '你好，世界' });
    expect(r.ok).toBe(true);
    const w = sent('/cgi-bin/media/voice/translatecontent')[0];
    expect(w?.body).toBe('你好，世界');
    expect(w?.contentType).toMatch(/^text\/plain/);
    expect(w?.query['lfrom']).toBe('zh_CN');
    expect(w?.query['lto']).toBe('en_US');
  });

  it('the default node:http transport sends the same bytes', async () => {
    const seen: { url: string; type: string | undefined; body: string }[] = [];
    const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const server = createServer(async (req, res) => {
      seen.push({ url: req.url ?? '', type: req.headers['content-type'], body: await read(req) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok","resp_data":"{}","from_content":"a","to_content":"b"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const mp = new MPTools({ ...app, baseUrl, passiveAccessToken: false });
      const oa = new OATools({ ...app, baseUrl, passiveAccessToken: false });
      await mp.invokeCloudFunction({ env: 'e', name: 'f', POSTBODY: '{"k":"v"}' }, { accessToken: 'TOKEN-FOR-TEST' });
      await oa.translateContent({ lfrom: 'en_US', lto: 'zh_CN', content: 'hello' }, { accessToken: 'TOKEN-FOR-TEST' });
      expect(seen.map((s) => [s.url.split('?')[0], s.type?.split(';')[0], s.body])).toEqual([
        ['/tcb/invokecloudfunction', 'application/json', '{"k":"v"}'],
        ['/cgi-bin/media/voice/translatecontent', 'text/plain', 'hello'],
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a missing or non-text raw param is a validation error before the call', async () => {
    const { mp, oa, sent } = wired();
    await expect(mp.invokeCloudFunction({ env: 'e', name: 'f' } as never)).rejects.toThrow('invokeCloudFunction: invalid params: /POSTBODY is required');
    await expect(oa.translateContent({ lfrom: 'zh_CN', lto: 'en_US', content: 42 } as never)).rejects.toThrow(/translateContent: invalid params: \/content must be string/);
    expect(sent('/tcb/invokecloudfunction')).toHaveLength(0);
    expect(sent('/cgi-bin/media/voice/translatecontent')).toHaveLength(0);
  });
});

describe('the generator rejects a misused format-gap field', () => {
  const base: SpecDoc = {
    operation: 'probe',
    clients: ['mp'],
    summary: 'probe',
    docUrl: 'https://developers.weixin.qq.com/miniprogram/dev/server/API/probe.html',
    method: 'POST',
    path: '/wxa/probe',
    auth: 'access_token',
    idempotent: false,
    request: { query: { env: { type: 'string' } }, body: { data: { type: 'object' }, other: { type: 'string' } } },
    response: { kind: 'json', schema: { type: 'object', properties: { base_resp: { type: 'object', properties: { ret: { type: 'integer' } } } } } },
    examples: [
      { name: 'ok', params: {}, response: { errcode: 0, errmsg: 'ok' } },
      { name: 'error', params: {}, response: { errcode: 1, errmsg: 'x rid: 1-2' } },
    ],
  };
  const problems = (doc: SpecDoc): string => {
    const spec: LoadedSpec = { file: 'spec/miniprogram/probe/probe.yaml', id: 'miniprogram/probe/probe', platform: 'miniprogram', family: 'probe', doc };
    try {
      normalize([spec], { defs: {}, errcodes: [] });
      return '';
    } catch (err) {
      return String(err);
    }
  };

  it('the base spec passes; each misuse is named', () => {
    expect(problems(base)).toBe('');
    expect(problems({ ...base, request: { ...base.request, rawBody: { param: 'data', contentType: 'application/json' } } })).toMatch(/rawBody: the raw param is the whole body/);
    expect(problems({ ...base, request: { ...base.request, rawBody: { param: 'env', contentType: 'application/json' } } })).toMatch(/rawBody\/param: "env" must be a param declared in \/request\/body/);
    expect(problems({ ...base, request: { body: { data: { type: 'object' } }, rawBody: { param: 'data', contentType: 'text/plain' } } })).toMatch(/a text\/plain body param has type string/);
    expect(problems({ ...base, request: { body: { data: { type: 'object' } }, rawBody: { param: 'data', contentType: 'application/json' } } })).toBe('');
    expect(problems({ ...base, request: { ...base.request, requiredWhen: [{ when: { kind: 1 }, required: ['other'] }] } })).toMatch(/requiredWhen\/0: "kind" is not a declared param/);
    expect(problems({ ...base, response: { ...base.response, failureField: { code: 'base_resp.ret', message: 'base_resp.err_msg' } } })).toMatch(/failureField\/message: "base_resp.err_msg" is not a field/);
    expect(problems({ ...base, response: { ...base.response, failureField: { code: 'base_resp.ret' } } })).toBe('');
  });
});
