// Type-level checks, run by `tsc` in `npm test` (no runtime): the generated methods are typed.
import { MPTools, OATools, type WechatData, type Code2SessionResponse } from '../src/index.js';

declare const mp: MPTools;
declare const oa: OATools;

export async function typed(): Promise<void> {
  const s = await mp.code2Session({ js_code: 'c' });
  const session: WechatData<Code2SessionResponse> = s;
  if (session.ok) {
    // fields the spec lists under `required` are non-optional on success (issue 14)
    const openid: string = session.openid;
    const key: string = session.session_key;
    // unionid is omitted in some successful replies: it stays optional
    // @ts-expect-error unionid may be undefined
    const unionid: string = session.unionid;
    void key;
    void unionid;
    const errcode: 0 = session.errcode;
    void openid;
    void errcode;
  }
  // @ts-expect-error js_code is required
  await mp.code2Session({});
  // @ts-expect-error wire names only: jsCode is not a param
  await mp.code2Session({ jsCode: 'c' });
  // @ts-expect-error width is a number
  await mp.getQRCode({ path: 'p', width: '430' });
  // @ts-expect-error env_version is an enum
  await mp.getUnlimitedQRCode({ scene: 's', env_version: 'beta' });

  const qr = await mp.createQRCode({ path: 'p' });
  if (qr.ok) {
    const bytes: Uint8Array = qr.buffer;
    void bytes;
  }
  // @ts-expect-error MPTools has no Official Account methods
  await mp.getUserInfo({ openid: 'o' });
  if (!session.ok) {
    // on failure every reply field is optional
    // @ts-expect-error openid may be undefined on an error reply
    const none: string = session.openid;
    void none;
  }
  const u = await oa.getUserInfo({ openid: 'o', lang: 'zh_CN' });
  if (u.ok) {
    const subscribed: 0 | 1 = u.subscribe;
    void subscribed;
  }
  const tags: number[] | undefined = u.tagid_list;
  void tags;

  // call() by name is typed too
  const r = await mp.call('getPhoneNumber', { code: 'c' });
  const phone: string | undefined = r.phone_info?.purePhoneNumber;
  void phone;
  // @ts-expect-error code is required
  await mp.call('getPhoneNumber', {});
  // checkSessionKey takes session_key instead of signature
  await mp.checkSessionKey({ openid: 'o', session_key: 'k' });

  // paginate: typed from the spec's pagination and the reply schema
  for await (const openid of oa.paginate('getFans', {})) {
    const id: string = openid;
    void id;
  }
  for await (const material of oa.paginate('batchGetMaterial', { type: 'image', count: 20 })) {
    const mediaId: string | undefined = material.media_id;
    void mediaId;
  }
  for await (const page of oa.paginate('getFans').pages()) {
    const total: number | undefined = page.total;
    void total;
  }
  for await (const trend of mp.paginate('getWeeklyVisitTrend', { begin_date: '20240506', end_date: '20240526' }, { maxItems: 10 })) {
    const refDate: string | undefined = trend.ref_date;
    void refDate;
  }
  // @ts-expect-error unknown operation
  oa.paginate('getFanz');
  // @ts-expect-error getUserInfo is not paginated
  oa.paginate('getUserInfo', { openid: 'o' });
  // @ts-expect-error type is required (only the offset becomes optional)
  oa.paginate('batchGetMaterial', { count: 20 });
  // @ts-expect-error an item of getFans is an openid string, not an object
  for await (const openid of oa.paginate('getFans')) void openid.media_id;
}
