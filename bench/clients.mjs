// Benchmark adapters: each client, pointed at the fake WeChat by its documented options, doing one
// GET (user info) and one POST (template message send). `cold: true` starts with no token.
import http from 'node:http';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const APPID = 'wx_bench_app';
const SECRET = 'bench_secret';
const TEMPLATE = { touser: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', template_id: 'TEMPLATE_ID', url: 'https://example.com', data: { first: { value: 'hi' }, keyword1: { value: 'x' } } };

export const clients = {
  'node:http (floor)': async (base) => {
    const agent = new http.Agent({ keepAlive: true });
    const u = new URL(base);
    const call = (method, path, body) =>
      new Promise((resolve, reject) => {
        const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
        const req = http.request({ host: u.hostname, port: u.port, path, method, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
        });
        req.on('error', reject);
        req.end(payload);
      });
    return {
      get: () => call('GET', '/cgi-bin/user/info?access_token=BENCH_TOKEN&openid=o6_bmjrPTlm6_2sgVt7hMZOPfL2M&lang=zh_CN'),
      post: () => call('POST', '/cgi-bin/message/template/send?access_token=BENCH_TOKEN', TEMPLATE),
    };
  },
  'global fetch': async (base) => ({
    get: async () => (await fetch(`${base}/cgi-bin/user/info?access_token=BENCH_TOKEN&openid=o6_bmjrPTlm6_2sgVt7hMZOPfL2M&lang=zh_CN`)).json(),
    post: async () => (await fetch(`${base}/cgi-bin/message/template/send?access_token=BENCH_TOKEN`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEMPLATE) })).json(),
  }),
  'openapi-fetch': async (base) => {
    const createClient = (await import('openapi-fetch')).default;
    const c = createClient({ baseUrl: base });
    return {
      get: async () => (await c.GET('/cgi-bin/user/info', { params: { query: { access_token: 'BENCH_TOKEN', openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', lang: 'zh_CN' } } })).data,
      post: async () => (await c.POST('/cgi-bin/message/template/send', { params: { query: { access_token: 'BENCH_TOKEN' } }, body: TEMPLATE })).data,
    };
  },
  'wechat-tools': async (base, { cold, validate = true } = {}) => {
    const { OATools } = await import('../dist/index.js');
    const oa = new OATools({ appid: APPID, secret: SECRET, baseUrl: base, ...(cold ? {} : { accessToken: 'BENCH_TOKEN' }), ...(validate ? {} : { validateParams: false, validateResponses: 'off' }) });
    return {
      get: () => oa.getUserInfo({ openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', lang: 'zh_CN' }),
      post: () => oa.sendTemplateMessage(TEMPLATE),
    };
  },
  'wechat-tools (no validation)': (base, opts = {}) => clients['wechat-tools'](base, { ...opts, validate: false }),
  'co-wechat-api 3.11': async (base, { cold } = {}) => {
    const API = require('co-wechat-api');
    let store = cold ? null : { accessToken: 'BENCH_TOKEN', expireTime: Date.now() + 7_000_000 };
    const api = new API(APPID, SECRET, async () => store, async (t) => void (store = t));
    api.prefix = `${base}/cgi-bin/`;
    return {
      get: () => api.getUser({ openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', lang: 'zh_CN' }),
      post: () => api.sendTemplate(TEMPLATE.touser, TEMPLATE.template_id, TEMPLATE.url, TEMPLATE.data),
    };
  },
  'wechat-api 1.35': async (base, { cold } = {}) => {
    const API = require('wechat-api');
    let store = cold ? null : { accessToken: 'BENCH_TOKEN', expireTime: Date.now() + 7_000_000 };
    const api = new API(APPID, SECRET, (cb) => cb(null, store), (t, cb) => ((store = t), cb(null)));
    api.endpoint = base; // its documented setEndpoint() takes a domain and forces https
    const getUser = promisify(api.getUser.bind(api));
    const sendTemplate = promisify(api.sendTemplate.bind(api));
    return {
      get: () => getUser({ openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', lang: 'zh_CN' }),
      post: () => sendTemplate(TEMPLATE.touser, TEMPLATE.template_id, TEMPLATE.url, TEMPLATE.data),
    };
  },
  'node-easywechat 3.6': async (base, { cold } = {}) => {
    const { OfficialAccount } = require('node-easywechat');
    const app = new OfficialAccount({ app_id: APPID, secret: SECRET, token: 't', aes_key: '', http: { baseURL: `${base}/` } });
    // its default cache is a file cache that outlives the process: set (warm) or clear (cold) it
    if (cold) await app.getCache().delete(app.getAccessToken().getKey());
    else await app.getCache().set(app.getAccessToken().getKey(), 'BENCH_TOKEN', 7000);
    const client = app.getClient();
    return {
      get: () => client.request('get', 'cgi-bin/user/info', { params: { openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', lang: 'zh_CN' } }),
      post: () => client.request('post', 'cgi-bin/message/template/send', { json: TEMPLATE }),
    };
  },
};
