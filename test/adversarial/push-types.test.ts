// Issue 13 item 11: what arrives under a kind matches that kind's types; anything else is 'unknown'
// (or refused), and kinds are looked up among the table's own keys only.
import { describe, expect, it } from 'vitest';
import { createPushHandler, type PushMessage } from '../../src/index.js';
import { appid, plainQuery, post, token } from './push-helpers.js';

const got: PushMessage[] = [];
const push = createPushHandler({ token, appid, dedupe: false }, (m) => void got.push(m));
const jsonPush = createPushHandler({ token, appid, dedupe: false, format: 'json' }, (m) => void got.push(m));
const head = (msgType: string) => `<ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[u]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[${msgType}]]></MsgType>`;

async function deliver(body: string, handler = push): Promise<{ status: number; message: PushMessage | undefined }> {
  const before = got.length;
  const r = await handler.fetch(post(plainQuery(), body));
  return { status: r.status, message: got.length > before ? got.at(-1) : undefined };
}

describe('typed fields hold their types', () => {
  it.each([
    ['duplicate <Content>', `<xml>${head('text')}<Content>a</Content><Content>b</Content><MsgId>1</MsgId></xml>`],
    ['nested tags in <Content>', `<xml>${head('text')}<Content><b>bold</b></Content><MsgId>2</MsgId></xml>`],
    ['a non-number Latitude', `<xml>${head('event')}<Event>LOCATION</Event><Latitude>north</Latitude><Longitude>1</Longitude><Precision>1</Precision></xml>`],
    ['a string where an object belongs', `<xml>${head('event')}<Event>scancode_push</Event><EventKey>k</EventKey><ScanCodeInfo>flat</ScanCodeInfo></xml>`],
  ])('%s: refused or delivered as unknown, never as the typed kind', async (_n, body) => {
    const { status, message } = await deliver(body);
    if (message) expect(message.kind).toBe('unknown');
    else expect(status).toBe(400);
  });

  it('JSON: an object where a string belongs is not delivered as text', async () => {
    const { status, message } = await deliver(JSON.stringify({ ToUserName: 'gh', FromUserName: 'u', CreateTime: 1, MsgType: 'text', Content: { toString: 'x' }, MsgId: 3 }), jsonPush);
    if (message) expect(message.kind).toBe('unknown');
    else expect(status).toBe(400);
  });

  it('a base field of the wrong type (FromUserName twice) is refused', async () => {
    const { status, message } = await deliver(`<xml><ToUserName>gh</ToUserName><FromUserName>u1</FromUserName><FromUserName>u2</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>4</MsgId></xml>`);
    expect(status).toBe(400);
    expect(message).toBeUndefined();
  });

  it.each([
    ['no ToUserName', '<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>7</MsgId></xml>'],
    ['no CreateTime', '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>x</Content><MsgId>8</MsgId></xml>'],
    ['a CreateTime that is no number', '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>9</MsgId></xml>'],
  ])('%s: refused (the common fields are typed for every message)', async (_n, body) => {
    const { status, message } = await deliver(body);
    expect(status).toBe(400);
    expect(message).toBeUndefined();
  });

  it('a well-formed message still arrives typed', async () => {
    const { message } = await deliver(`<xml>${head('text')}<Content><![CDATA[fine]]></Content><MsgId>5</MsgId></xml>`);
    expect(message).toMatchObject({ kind: 'text', Content: 'fine', MsgId: '5' });
  });
});

describe('kind lookup uses own keys only', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('MsgType %s → unknown', async (t) => {
    const { message } = await deliver(`<xml>${head(t)}<Content>x</Content></xml>`);
    expect(message?.kind).toBe('unknown');
  });

  it.each(['__proto__', 'constructor'])('Event %s → unknown', async (e) => {
    const { message } = await deliver(`<xml>${head('event')}<Event>${e}</Event></xml>`);
    expect(message?.kind).toBe('unknown');
  });

  it('JSON with a "__proto__" field does not change the message prototype', async () => {
    const { message } = await deliver('{"ToUserName":"gh","FromUserName":"u","CreateTime":1,"MsgType":"text","Content":"x","MsgId":6,"__proto__":{"polluted":true}}', jsonPush);
    expect(message?.kind).toBe('text');
    expect((message as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
