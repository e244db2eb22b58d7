// Web OAuth (网页授权) in an Express app: send the user to WeChat's authorize page, then exchange the code
// for the user's token and read their profile (getSnsUserInfo, scope snsapi_userinfo). The lines between
// the README markers below are the README Quickstart's, checked by express-app-oauth.test.ts.
import express, { type Express } from 'express';
import { OATools } from 'wechat-tools';

export interface WebUser {
  openid: string;
  nickname?: string;
  headimgurl?: string;
  unionid?: string;
}

export async function webLogin(oa: OATools, code: string): Promise<WebUser | undefined> {
  // README: web OAuth
  const user = await oa.getWebAccessToken({ code });            // the user's token, not the app's
  if (user.ok && user.access_token && user.openid) {             // scope snsapi_userinfo: the profile too
    const info = await oa.getSnsUserInfo({ access_token: user.access_token, openid: user.openid, lang: 'zh_CN' });
    if (info.ok) console.log(info.nickname, info.headimgurl, info.unionid);
  // README: end
    return info.ok ? { openid: user.openid, nickname: info.nickname, headimgurl: info.headimgurl, unionid: info.unionid } : { openid: user.openid };
  }
  return undefined;
}

export function createOAuthApp(oa: OATools): Express {
  const app = express();
  app.get('/login', (_req, res) => res.redirect(oa.getAuthorizeUrl({ scope: 'snsapi_userinfo', state: 'login' })));
  app.get('/wx_login', async (req, res) => {
    const code = typeof req.query['code'] === 'string' ? req.query['code'] : '';
    if (!code) return void res.status(400).send('the user did not authorize');
    const user = await webLogin(oa, code);
    if (!user) return void res.status(401).send('login refused');
    res.json(user);
  });
  return app;
}
