// Issue 13 item 12: a user who types "<!DOCTYPE html>" must not lose the message; a real DOCTYPE or
// ENTITY declaration is still refused, and entities are never expanded.
import { describe, expect, it } from 'vitest';
import { createPushHandler, type PushMessage } from '../../src/index.js';
import { appid, plainQuery, post, safeParts, textXml, token, encodingAESKey } from './push-helpers.js';

describe('DOCTYPE text inside CDATA', () => {
  const got: PushMessage[] = [];
  const push = createPushHandler({ token, appid }, (m) => void got.push(m));

  it.each([
    ['<!DOCTYPE html>', '2000000000000000001'],
    ['<!ENTITY x "y"> and <!doctype foo>', '2000000000000000002'],
    ['see <![CDATA[ nested? <!DOCTYPE', '2000000000000000003'],
  ])('a text message saying %j arrives intact', async (content, msgId) => {
    const body = textXml(content.replace(/]]>/g, ']]]]><![CDATA[>'), msgId);
    const r = await push.fetch(post(plainQuery(), body));
    expect(r.status).toBe(200);
    const m = got.at(-1);
    expect(m?.kind).toBe('text');
    if (m?.kind === 'text') expect(m.Content).toBe(content);
  });

  it('the same text in safe mode arrives intact', async () => {
    const safeGot: PushMessage[] = [];
    const safe = createPushHandler({ token, encodingAESKey, appid }, (m) => void safeGot.push(m));
    const { query, body } = safeParts(textXml('<!DOCTYPE html><html>', '2000000000000000004'));
    expect((await safe.fetch(post(query, body))).status).toBe(200);
    expect(safeGot[0]?.kind === 'text' && safeGot[0].Content).toBe('<!DOCTYPE html><html>');
  });

  it.each([
    ['a DOCTYPE after a CDATA section', '<xml><ToUserName><![CDATA[gh]]></ToUserName></xml><!DOCTYPE x [<!ENTITY e "boom">]>'],
    ['a DOCTYPE before the root', '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&e;</Content><MsgId>5</MsgId></xml>'],
    ['an ENTITY hidden by an unterminated CDATA', '<xml><Content><![CDATA[x</Content><!ENTITY e "boom"></xml>'],
  ])('%s is still refused', async (_n, body) => {
    const before = got.length;
    expect((await push.fetch(post(plainQuery(), body))).status).toBe(400);
    expect(got.length).toBe(before);
  });
});
