// The mock's data: believable, deterministic users and ids in place of the docs' placeholders
// (src/testing/mock-data.ts), through the real clients and msw with onUnhandledRequest: 'error'.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { endpointTable } from '../generated/endpoints.js';
import { examples } from '../generated/examples.js';
import { MPTools, OATools } from '../src/index.js';
import { checkResponse } from '../src/validate/validate.js';
import { createMockWechat, DEFAULT_MOCK_APP, encryptOpenData, exampleReply, MockData, type MockApp } from '../src/testing/index.js';

const OA_APP: MockApp = { appid: 'wx0000mock0000oa', secret: 'mock-oa-secret-0123456789abcdef' };
const mock = createMockWechat({ apps: [DEFAULT_MOCK_APP, OA_APP] });
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.reset());
afterAll(() => server.close());

const mp = () => new MPTools({ appid: DEFAULT_MOCK_APP.appid, secret: DEFAULT_MOCK_APP.secret });
const oa = () => new OATools({ appid: OA_APP.appid, secret: OA_APP.secret });
const OPENID = /^o[A-Za-z0-9_-]{27}$/;

describe('code2Session', () => {
  it('derives the user from js_code: the same code, the same user; another code, another user', async () => {
    const a = await mp().code2Session({ js_code: 'code-alice' });
    const again = await mp().code2Session({ js_code: 'code-alice' });
    const b = await mp().code2Session({ js_code: 'code-bob' });
    if (!a.ok || !again.ok || !b.ok) throw new Error('login failed');
    expect(a.openid).toMatch(OPENID);
    expect(a.unionid).toMatch(OPENID);
    expect(a.openid).not.toBe('oGZUI0egBJY1zhBYw2KhdUfwVJJE'); // not the spec example's
    expect([again.openid, again.unionid, again.session_key]).toEqual([a.openid, a.unionid, a.session_key]);
    expect(b.openid).not.toBe(a.openid);
    expect(b.unionid).not.toBe(a.unionid);
    expect(b.session_key).not.toBe(a.session_key);
    expect(Buffer.from(a.session_key ?? '', 'base64')).toHaveLength(16);
    expect(mock.data.login(DEFAULT_MOCK_APP.appid, 'code-alice')).toEqual({ openid: a.openid, unionid: a.unionid, session_key: a.session_key });
  });

  it('is deterministic per seed: a new mock with the same seed gives the same user, another seed another one', () => {
    const one = new MockData({ seed: 's1' }).login('wxapp', 'c');
    expect(new MockData({ seed: 's1' }).login('wxapp', 'c')).toEqual(one);
    expect(new MockData({ seed: 's2' }).login('wxapp', 'c').openid).not.toBe(one.openid);
    // openids are per app, the unionid is the user's across apps
    const other = new MockData({ seed: 's1' }).login('wxother', 'c');
    expect(other.openid).not.toBe(one.openid);
    expect(other.unionid).toBe(one.unionid);
  });

  it('logs in, then the phone/user-info data encrypted with that session_key decrypts with mp.decryptData', async () => {
    const client = mp();
    const session = await client.code2Session({ js_code: 'code-phone' });
    if (!session.ok || !session.session_key) throw new Error('login failed');
    const phone = { phoneNumber: '+8613800138000', purePhoneNumber: '13800138000', countryCode: '86' };
    const sealed = encryptOpenData({ appid: DEFAULT_MOCK_APP.appid, data: phone, sessionKey: session.session_key });
    expect(sealed.sessionKey).toBe(session.session_key);
    const opened = client.decryptData<typeof phone>(sealed.encryptedData, sealed.iv, session.session_key);
    expect(opened).toMatchObject(phone);
    expect(opened.watermark.appid).toBe(DEFAULT_MOCK_APP.appid);
    // another user's session_key does not open it
    const other = mock.data.login(DEFAULT_MOCK_APP.appid, 'code-other').session_key;
    expect(() => client.decryptData(sealed.encryptedData, sealed.iv, other)).toThrow();
  });

  it('still takes overrides', async () => {
    mock.on('code2Session', { openid: 'o-fixed', session_key: 'sk' });
    const r = await mp().code2Session({ js_code: 'code-alice' });
    expect(r.ok && r.openid).toBe('o-fixed');
  });
});

describe('Official Account users', () => {
  it('getUserInfo echoes the openid asked for, with the unionid of that user', async () => {
    const login = mock.data.login(OA_APP.appid, 'web-code');
    const r = await oa().getUserInfo({ openid: login.openid });
    expect(r.ok && r.openid).toBe(login.openid);
    expect(r.ok && r.unionid).toBe(login.unionid);
    const stranger = await oa().getUserInfo({ openid: 'o-someone-else' });
    expect(stranger.ok && stranger.openid).toBe('o-someone-else');
  });

  it('web OAuth: getWebAccessToken gives the code’s user and getSnsUserInfo answers for that user; unionid ties it to the Mini Program login', async () => {
    const token = await oa().getWebAccessToken({ code: 'same-person' });
    if (!token.ok || !token.openid || !token.access_token) throw new Error('oauth failed');
    const info = await oa().getSnsUserInfo({ access_token: token.access_token, openid: token.openid, lang: 'zh_CN' });
    expect(info.ok && info.openid).toBe(token.openid);
    const mini = await mp().code2Session({ js_code: 'same-person' });
    expect(mini.ok && mini.openid).not.toBe(token.openid); // openids are per app
    expect(mini.ok && mini.unionid).toBe(info.ok && info.unionid);
  });

  it('getFans pages through the seed population and every user seen, next_openid as cursor, then an empty page', async () => {
    const small = createMockWechat({ apps: [OA_APP], data: { seedUsers: 5, pageSize: 2 } });
    server.use(...small.handlers); // this test's mock answers first
    try {
      const client = oa();
      const seen = small.data.login(OA_APP.appid, 'late-comer').openid;
      const pages: string[][] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const r = await client.getFans(cursor === undefined ? {} : { next_openid: cursor });
        if (!r.ok) throw new Error(r.errmsg);
        expect(r.total).toBe(6);
        if (!r.count) {
          expect(r.next_openid).toBe('');
          break;
        }
        pages.push(r.data?.openid ?? []);
        expect(r.next_openid).toBe(r.data?.openid?.at(-1));
        cursor = r.next_openid;
      }
      expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
      const all = pages.flat();
      expect(new Set(all).size).toBe(6);
      expect(all.at(-1)).toBe(seen);
      expect(all).toEqual(small.data.users(OA_APP.appid).map((u) => u.openid));
      const bad = await client.getFans({ next_openid: 'o-not-a-follower' });
      expect(!bad.ok && bad.errcode).toBe(40003);
    } finally {
      server.resetHandlers();
    }
  });

  it('tag members and the blacklist list the same users (begin_openid as the blacklist cursor)', async () => {
    const users = mock.data.users(OA_APP.appid).map((u) => u.openid);
    const tag = await oa().getTagFans({ tagid: 134 });
    expect(tag.ok && tag.data?.openid).toEqual(users);
    const black = await oa().getBlacklist({ begin_openid: users[2] ?? '' });
    expect(black.ok && black.data?.openid).toEqual(users.slice(3));
  });
});

describe('ids', () => {
  it('are new on each call (msgid, media_id, template ids)', async () => {
    const client = oa();
    const msgids = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const r = await client.sendTemplateMessage({ touser: 'o-x', template_id: 'tpl', data: { thing1: { value: 'hi' } } });
      expect(r.ok).toBe(true);
      msgids.add(r.ok && r.msgid);
    }
    expect(msgids.size).toBe(3);
    const mine = mp();
    const a = await mine.call('addMessageTemplate', { tid: '401', kidList: [1, 2], sceneDesc: 'test' });
    const b = await mine.call('addMessageTemplate', { tid: '401', kidList: [1, 2], sceneDesc: 'test' });
    expect(a.ok && b.ok).toBe(true);
    expect(a.priTmplId).toMatch(/^[A-Za-z0-9_-]{32,64}$/);
    expect(a.priTmplId).not.toBe(b.priTmplId);
  });
});

describe('MockData.fill', () => {
  it('echoes an id the request names, makes the others new, keeps their types', () => {
    const data = new MockData();
    const a = data.fill({ media_id: 'MEDIA_ID', msgid: 1000, items: [{ media_id: 'M' }, { media_id: 'M' }] }, { appid: 'wx', params: { media_id: 'mine' } });
    expect(a['media_id']).toBe('mine');
    const b = data.fill({ media_id: 'MEDIA_ID', msgid: 1000 }, { appid: 'wx', params: {} });
    expect(typeof b['msgid']).toBe('number');
    expect(b['msgid']).not.toBe(a['msgid']);
    expect(typeof b['media_id']).toBe('string');
    const items = a['items'] as { media_id: string }[];
    expect(new Set([items[0]?.media_id, items[1]?.media_id, b['media_id']]).size).toBe(3);
  });

  it('answers a list of users asked for (openid_list / user_list) in order, each with its unionid', () => {
    const data = new MockData();
    const alice = data.login('wx', 'alice');
    const out = data.fill({ user_info_list: [{ openid: 'OPENID', unionid: 'UNIONID' }, { openid: 'OPENID', unionid: 'UNIONID' }] }, { appid: 'wx', params: { user_list: [{ openid: alice.openid }, { openid: 'o-other' }] } });
    expect(out['user_info_list']).toEqual([
      { openid: alice.openid, unionid: alice.unionid },
      { openid: 'o-other', unionid: data.unionidOf('o-other') },
    ]);
  });

  it('reset() forgets the users seen; the seed population stays', () => {
    const data = new MockData({ seedUsers: 2 });
    const seeded = data.users('wx');
    expect(seeded).toHaveLength(2);
    data.login('wx', 'someone');
    expect(data.users('wx')).toHaveLength(3);
    data.reset();
    expect(data.users('wx')).toEqual(seeded);
  });
});

describe('every endpoint', () => {
  // The filled reply of each endpoint's default success example still matches the endpoint's reply schema.
  const rows = endpointTable.filter((row) => (examples[row.id] ?? []).some((e) => e.response && !e.response['errcode']));
  it.each(rows.map((r) => [r.id, r] as const))('%s: filled reply matches its schema', async (_id, row) => {
    const example = (examples[row.id] ?? []).find((e) => !e.response || !e.response['errcode']);
    const reply = exampleReply(example) as Record<string, unknown>;
    if ((await checkResponse(row, reply)) !== undefined) return; // the example itself is not the schema's business here
    const data = new MockData({ pageSize: 3 });
    const filled = data.fill(reply, { appid: 'wxapp', params: { ...(example?.params ?? {}) } });
    if ('errcode' in filled && filled['errcode'] !== 0 && filled['errcode'] !== undefined) return; // a cursor the mock does not know
    expect(await checkResponse(row, filled)).toBeUndefined();
  });
});
