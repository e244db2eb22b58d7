// The reusable verify → decrypt → parse pipeline (src/push/pipeline.ts), which other push handlers
// (the open platform's component_verify_ticket pushes: InfoType, no MsgType) build on.
import { describe, expect, it } from 'vitest';
import { WechatCrypto } from '../src/index.js';
import { openPush } from '../src/push/pipeline.js';

const crypto = new WechatCrypto({ token: 'PipeToken', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appid: 'wxcomponent00001', maxSkewSeconds: 300 });
const ticketXml = '<xml><AppId><![CDATA[wxcomponent00001]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@abc]]></ComponentVerifyTicket></xml>';

function safe(inner: string, timestamp = String(Math.floor(Date.now() / 1000))) {
  const encrypt = crypto.encrypt(inner);
  const query = new URLSearchParams({ timestamp, nonce: 'n', encrypt_type: 'aes', msg_signature: crypto.msgSignature(timestamp, 'n', encrypt) });
  return { query, body: `<xml><AppId><![CDATA[wxcomponent00001]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
}

describe('openPush', () => {
  it('an InfoType push with no MsgType comes out as raw fields', () => {
    const { query, body } = safe(ticketXml);
    const out = openPush(query, body, { crypto, format: 'xml' });
    expect(out.encrypted).toBe(true);
    expect(out.fields).toMatchObject({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@abc' });
    expect(out.fields['MsgType']).toBeUndefined();
  });

  it('checks the signature and the window before decrypting', () => {
    const { query, body } = safe(ticketXml, String(Math.floor(Date.now() / 1000) - 3600));
    expect(() => openPush(query, body, { crypto, format: 'xml' })).toThrow(expect.objectContaining({ reason: 'stale_timestamp' }));
    const tampered = safe(ticketXml);
    tampered.query.set('msg_signature', '0'.repeat(40));
    expect(() => openPush(tampered.query, tampered.body, { crypto, format: 'xml' })).toThrow(expect.objectContaining({ reason: 'bad_signature' }));
  });
});
