// wechat-tools/testing's push kit: requests built from the handler's own options round-trip through
// createPushHandler in every mode (plaintext / compatible / safe × XML / JSON), through both adapters,
// and the replies read back; encryptOpenData round-trips through mp.decryptData (and reproduces the
// official known-answer vector).
import { describe, expect, it } from 'vitest';
import { createPushHandler, MPTools, reply, WechatDecryptError, type PushHandlerOptions, type PushMessage } from '../src/index.js';
import { createPushKit, encryptOpenData, nodeResponse, type PushKitMessage, type PushKitMode } from '../src/testing/index.js';

const base = { token: 'KitToken', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appid: 'wxkit000000000001' };
const modes: PushKitMode[] = ['plaintext', 'compatible', 'safe'];
const formats = ['xml', 'json'] as const;

function setup(options: PushHandlerOptions) {
  const got: PushMessage[] = [];
  const push = createPushHandler(options, (m) => {
    got.push(m);
    if (m.kind === 'text') return reply.text(`echo: ${m.Content}`);
    return undefined;
  });
  return { got, push, kit: createPushKit(options) };
}

describe.each(formats)('push kit round trip (%s)', (format) => {
  it.each(modes)('%s mode: the message arrives typed and the reply reads back', async (mode) => {
    const { got, push, kit } = setup({ ...base, format, allowPlaintext: mode === 'plaintext' });
    const r = await kit.parseReply(await push.fetch(kit.request({ MsgType: 'text', Content: 'hello <!DOCTYPE> ]]> 你好', MsgId: '9223372036854775807' }, { mode })));
    expect(r.status).toBe(200);
    expect(got[0]).toMatchObject({ kind: 'text', Content: 'hello <!DOCTYPE> ]]> 你好', MsgId: '9223372036854775807', FromUserName: 'o_kit_openid_000000000000' });
    expect(r.encrypted).toBe(mode !== 'plaintext');
    expect(r.fields).toMatchObject({ MsgType: 'text', Content: 'echo: hello <!DOCTYPE> ]]> 你好', ToUserName: 'o_kit_openid_000000000000' });
  });

  it.each(modes)('%s mode through the Node adapter', async (mode) => {
    const { got, push, kit } = setup({ ...base, format, allowPlaintext: true });
    const req = kit.nodeRequest({ MsgType: 'text', Content: 'node' }, { mode });
    const { res, done } = nodeResponse(req);
    await push.node(req, res);
    const out = await done;
    expect(got[0]).toMatchObject({ kind: 'text', Content: 'node' });
    const r = await kit.parseReply({ status: out.status, body: out.body });
    expect(r.fields?.['Content']).toBe('echo: node');
    expect(r.encrypted).toBe(mode !== 'plaintext');
  });

  const events: [string, PushKitMessage, Record<string, unknown>][] = [
    ['event:CLICK', { MsgType: 'event', Event: 'CLICK', EventKey: 'MENU_A' }, { EventKey: 'MENU_A' }],
    ['event:TEMPLATESENDJOBFINISH', { MsgType: 'event', Event: 'TEMPLATESENDJOBFINISH', MsgID: '3487542469355618313', Status: 'success' }, { MsgID: '3487542469355618313' }],
    ['event:LOCATION', { MsgType: 'event', Event: 'LOCATION', Latitude: 23.137466, Longitude: 113.352425, Precision: 119.38504 }, { Latitude: 23.137466, Precision: 119.38504 }],
    ['event:pic_weixin', { MsgType: 'event', Event: 'pic_weixin', EventKey: 'k', SendPicsInfo: { Count: 2, PicList: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } }, { SendPicsInfo: { Count: 2, PicList: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } }],
    ['event:subscribe_msg_popup_event', { MsgType: 'event', Event: 'subscribe_msg_popup_event', List: [{ TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: 2 }] }, { List: [{ TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: 2 }] }],
    ['image', { MsgType: 'image', PicUrl: 'https://example.com/a.png', MediaId: 'm1' }, { MediaId: 'm1' }],
    ['unknown', { MsgType: 'event', Event: 'brand_new_event', Foo: 'bar' }, { Foo: 'bar' }],
  ];
  it.each(events)('%s arrives with its typed fields (safe mode)', async (kind, message, expected) => {
    const { got, push, kit } = setup({ ...base, format });
    const r = await push.fetch(kit.request(message));
    expect(r.status).toBe(200);
    expect(got[0]?.kind).toBe(kind);
    expect(got[0]).toMatchObject(expected);
  });
});

describe('push kit: the rest', () => {
  it('URL verification', async () => {
    const { push, kit } = setup(base);
    const r = await push.fetch(kit.verification('12345'));
    expect(await r.text()).toBe('12345');
  });

  it('its signatures are real: a handler with another Token refuses them', async () => {
    const { kit } = setup(base);
    const other = createPushHandler({ ...base, token: 'OtherToken' }, () => undefined);
    expect((await other.fetch(kit.request({ MsgType: 'text', Content: 'x' }))).status).toBe(401);
  });

  it('a plaintext-mode push to a safe-mode handler is refused (as the handler promises)', async () => {
    const { push, kit } = setup(base);
    expect((await push.fetch(kit.request({ MsgType: 'text', Content: 'x' }, { mode: 'plaintext' }))).status).toBe(400);
  });

  it('JSON: 64-bit ids go out as bare numbers, as WeChat writes them', () => {
    const { kit } = setup({ ...base, format: 'json' });
    expect(kit.serialize({ MsgType: 'text', Content: 'x', MsgId: '9223372036854775807' })).toContain('"MsgId":9223372036854775807');
  });

  it('keeps the Token and key out of JSON.stringify', () => {
    const { kit } = setup(base);
    expect(JSON.stringify(kit)).not.toContain(base.token);
    expect(JSON.stringify(kit)).not.toContain(base.encodingAESKey);
  });

  it('an XML push with InfoType and no MsgType (open platform) is a clean 400, not a crash', async () => {
    const { push, kit } = setup({ ...base, allowPlaintext: true });
    const parts = kit.parts({ MsgType: 'x' }, { mode: 'plaintext' });
    const body = '<xml><AppId><![CDATA[wxkit]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@x]]></ComponentVerifyTicket></xml>';
    const r = await push.fetch(new Request(parts.url, { method: 'POST', body }));
    expect(r.status).toBe(400);
  });
});

describe('encryptOpenData', () => {
  it('reproduces the official demo vector (aes-sample) byte for byte', () => {
    const plaintext =
      '{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE","nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0","unionId":"ocMvos6NjeKLIBqg5Mr9QjxrP1FA","watermark":{"timestamp":1477314187,"appid":"wx4f4bc4dec97d474b"}}';
    const out = encryptOpenData({ appid: 'wx4f4bc4dec97d474b', data: plaintext, sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==', iv: 'r7BXXKkLb8qrSNn05n0qiA==' });
    expect(out.encryptedData).toBe(
      'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==',
    );
  });

  it('round-trips through mp.decryptData (a phone number payload), with the watermark appid checked', () => {
    const mp = new MPTools({ appid: 'wxkit000000000001', secret: 's' });
    const { encryptedData, iv, sessionKey } = encryptOpenData({ appid: mp.appid, data: { phoneNumber: '+86 13800138000', purePhoneNumber: '13800138000', countryCode: '86' } });
    const phone = mp.decryptData<{ purePhoneNumber: string }>(encryptedData, iv, sessionKey);
    expect(phone.purePhoneNumber).toBe('13800138000');
    expect(phone.watermark.appid).toBe(mp.appid);
    const foreign = encryptOpenData({ appid: 'wxsomeoneelse', data: { a: 1 }, sessionKey });
    expect(() => mp.decryptData(foreign.encryptedData, foreign.iv, sessionKey)).toThrow(WechatDecryptError);
  });
});
