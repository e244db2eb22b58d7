// A minimal fake WeChat on loopback for benchmarks (never msw): static replies, token endpoints
// that count requests (with 20 ms of latency, as a real token fetch has), and /__stats (token requests,
// calls, TCP connections accepted), /__reset.
// Runs as its own process so its CPU is not the client's. Prints the port on stdout.
import http from 'node:http';

let tokenRequests = 0;
let calls = 0;
let connections = 0;
const json = (res, body) => {
  const s = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(s) });
  res.end(s);
};
const USER = { subscribe: 1, openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', language: 'zh_CN', subscribe_time: 1382694957, unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL', remark: '', groupid: 0, tagid_list: [128, 2], subscribe_scene: 'ADD_SCENE_QR_CODE', qr_scene: 98765, qr_scene_str: '' };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const p = url.pathname;
    if (p === '/__stats') return json(res, { tokenRequests, calls, connections });
    if (p === '/__reset') {
      tokenRequests = 0;
      calls = 0;
      connections = 0;
      return json(res, { ok: true });
    }
    if (p === '/cgi-bin/token' || p === '/cgi-bin/stable_token') {
      tokenRequests++;
      return setTimeout(() => json(res, { access_token: 'BENCH_TOKEN', expires_in: 7200 }), 20);
    }
    calls++;
    if (url.searchParams.get('access_token') !== 'BENCH_TOKEN') return json(res, { errcode: 40001, errmsg: 'invalid credential rid: 0-0-0' });
    if (p === '/cgi-bin/user/info') return json(res, USER);
    if (p === '/cgi-bin/message/template/send') return json(res, { errcode: 0, errmsg: 'ok', msgid: 200228332 });
    return json(res, { errcode: 404, errmsg: 'not found rid: 0-0-0' });
  });
});
server.on('connection', () => connections++);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
