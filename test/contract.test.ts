// Contract tests, generated from the specs: every example of every endpoint goes through the
// client (params validated, token/credentials injected, request built) to the mock WeChat behind
// msw (which checks the token and validates the request against the spec), and the reply comes
// back as the example says. Replies are validated strictly (validateResponses: 'throw').
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointTable } from '../generated/endpoints.js';
import { examples } from '../generated/examples.js';
import { MPTools, OATools, OpenPlatform, WechatValidationError, type ComponentAccess, type WechatClient, type WechatResult } from '../src/index.js';
import { DEFAULT_MOCK_APP, DEFAULT_MOCK_PLATFORM, exampleReply } from '../src/testing/index.js';
import { useMockWechat } from './helpers/msw.js';

const mock = useMockWechat();
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const platform = new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, validateResponses: 'throw' });
// Endpoints that take the platform's component_access_token (on-behalf login) from an MP/OA client.
const component: ComponentAccess = {
  appid: DEFAULT_MOCK_PLATFORM.componentAppid,
  tokenProvider: { get: () => platform.getComponentAccessToken(), invalidate: async (t) => void (await platform.invalidateAccessToken(t)) },
};
const clients: Record<'mp' | 'oa' | 'component', WechatClient> = {
  mp: new MPTools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw' }),
  oa: new OATools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw' }),
  component: platform,
};
const onBehalf: Record<'mp' | 'oa', WechatClient> = {
  mp: new MPTools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw', component }),
  oa: new OATools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw', component }),
};
/** Clients that skip the param checks: to send the date ranges WeChat refuses (see below). */
const unchecked: Record<'mp' | 'oa', WechatClient> = {
  mp: new MPTools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw', validateParams: false }),
  oa: new OATools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw', validateParams: false }),
};

describe.each(endpointTable.map((row) => [row.id, row] as const))('%s', (_id, row) => {
  const cases = (examples[row.id] ?? []).map((ex) => [ex.name, ex] as const);
  it.each(cases)('example: %s', async (_name, example) => {
    const kind = row.clients[0] ?? 'mp';
    let client = kind !== 'component' && row.auth === 'component_access_token' ? onBehalf[kind] : clients[kind];
    // The platform's tokens need a verify ticket (the mock forgets everything between tests).
    if (kind === 'component' || row.auth === 'component_access_token') await platform.pushHandler().fetch(mock.platform.verifyTicketPush());
    mock.on(row.id, exampleReply(example));
    const params: Record<string, unknown> = { ...(example.params ?? {}) };
    // A datacube example of WeChat's date range error (61501) carries a range the client itself refuses
    // before any request (spec dateRule): check that, then send it unchecked to test WeChat's reply.
    if (row.dateRule && kind !== 'component' && example.response?.['errcode'] === 61501) {
      await expect(client.call(row.op, { ...params })).rejects.toThrow(WechatValidationError);
      expect(mock.stats().calls[row.op] ?? 0).toBe(0);
      client = unchecked[kind];
    }
    // An upload example names its file; send bytes under that name (reading paths is tested elsewhere).
    for (const f of row.files ?? []) if (typeof params[f] === 'string') params[f] = { data: PNG, filename: path.basename(String(params[f])) };
    const r = (await client.call(row.op, params)) as WechatResult & Record<string, unknown>;
    const calls = mock.stats().calls[row.op] ?? 0;
    expect(calls).toBeGreaterThanOrEqual(1);
    if (example.binary) {
      expect(r.errcode).toBe(0);
      expect(Buffer.from(r['buffer'] as Uint8Array).toString('base64')).toBe(example.binary.base64);
      expect(r['contentType']).toBe(example.binary.contentType);
      return;
    }
    const reply = example.response ?? {};
    const errcode = typeof reply['errcode'] === 'number' ? reply['errcode'] : 0;
    expect(r.errcode).toBe(errcode);
    expect(r.ok).toBe(errcode === 0);
    expect(r.resultJson).toEqual(reply);
    if (errcode === 0) {
      for (const [k, v] of Object.entries(reply)) expect(r[k]).toEqual(v);
    } else {
      expect(r.errmsg).toBe(reply['errmsg']);
      expect(r.rid).toMatch(/^[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/);
    }
  });
});

describe('contract coverage', () => {
  it('every endpoint has a success and an error example', () => {
    for (const row of endpointTable) {
      const exs = examples[row.id] ?? [];
      expect(exs.some((e) => e.binary || !e.response?.['errcode']), row.id).toBe(true);
      expect(exs.some((e) => typeof e.response?.['errcode'] === 'number' && e.response['errcode'] !== 0), row.id).toBe(true);
    }
  });
});
