// An Express app that logs Mini Program users in (code2Session, the session_key kept server-side) and reads
// their phone number from the encryptedData / iv the Mini Program sends (mp.decryptData). Tested, with the
// mock WeChat, in express-app.test.ts (msw) and express-app-listen.test.ts (mock.listen() + baseUrl).
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { MPTools, WechatDecryptError } from 'wechat-tools';

interface Session {
  openid: string;
  sessionKey: string;
}

export function createApp(mp: MPTools): Express {
  const sessions = new Map<string, Session>(); // your store (Redis…) in real life
  const app = express();
  app.use(express.json({ limit: '16kb' }));

  app.post('/login', async (req, res) => {
    const code: unknown = req.body?.code;
    if (typeof code !== 'string' || code === '') return void res.status(400).json({ error: 'code is required' });
    const r = await mp.code2Session({ js_code: code });
    if (!r.ok || !r.openid || !r.session_key) return void res.status(401).json({ error: `login refused (${r.errcode})` });
    const token = randomUUID();
    sessions.set(token, { openid: r.openid, sessionKey: r.session_key }); // never send the session_key to the client
    res.json({ token, openid: r.openid });
  });

  app.post('/phone', (req, res) => {
    const session = sessions.get(String(req.get('authorization') ?? '').replace(/^Bearer /, ''));
    if (!session) return void res.status(401).json({ error: 'log in first' });
    const { encryptedData, iv } = (req.body ?? {}) as { encryptedData?: unknown; iv?: unknown };
    if (typeof encryptedData !== 'string' || typeof iv !== 'string') return void res.status(400).json({ error: 'encryptedData and iv are required' });
    try {
      const data = mp.decryptData<{ purePhoneNumber: string; countryCode: string }>(encryptedData, iv, session.sessionKey);
      res.json({ openid: session.openid, phone: data.purePhoneNumber, countryCode: data.countryCode });
    } catch (err) {
      if (err instanceof WechatDecryptError) return void res.status(400).json({ error: 'cannot decrypt: log in again' });
      throw err;
    }
  });

  return app;
}
