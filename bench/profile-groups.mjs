// Groups a `node --cpu-prof` profile of bench/worker.mjs into what a call spends its time on (bench/PROFILE.md):
//   node --cpu-prof --cpu-prof-dir=prof bench/worker.mjs percall wechat-tools post 3000 <base>
//   node bench/profile-groups.mjs prof 4000        (4000 = warm-up + measured calls)
// Each sample goes to the first group matching a frame from the leaf up; idle samples are left out.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, calls] = process.argv.slice(2);
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const p = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const GROUPS = [
  ['validation (params + reply)', /^(validateParams|checkResponse|checkReply|validatorsFor|validate\d+)$/],
  ['checkParams', /^(checkParams|walk|pointer)$/],
  ['secret bookkeeping', /^(secretValues|addFrom|isSecretKey|values)$/],
  ['WechatData', /^(shapeResult|WechatResult|define)$/],
  ['parse reply (incl. JSON.parse)', /^(parseReply|parseJsonKeepingBigInts|looksLikeJson|textOf)$/],
  ['undici Headers/Request', 'undici'],
  ['openapi-fetch', /^(coreFetch|mergeHeaders|createFinalURL|defaultBodySerializer|querySerializer|serializePrimitiveParam|getResponseData|removeTrailingSlash|request)$/],
  ['transport (to node:http, incl. http.request)', /^(nodeFetch|LightRequest|BufferedResponse|viaNode|nodeRequest|encodeQuery|encodedPath|headersFor|onResponse)$/],
  ['token lookup', /^(getAccessToken|get|peek|#seedOnce|#scrubbed|slotOf|isCachedToken)$/],
];
const ours = (url) => url.includes('/dist/') || url.includes('undici') || url.includes('openapi');
const groupOf = (sampleId) => {
  const leaf = byId.get(sampleId).callFrame;
  if (leaf.functionName === '(garbage collector)') return 'garbage collection';
  for (let cur = sampleId; cur !== undefined; cur = parent.get(cur)) {
    const { functionName: fn, url } = byId.get(cur).callFrame;
    if (!ours(url)) continue;
    for (const [name, match] of GROUPS) if (typeof match === 'string' ? url.includes(match) : match.test(fn)) return name;
    if (fn === '#attempts' || fn === '#execute') return 'client loop (#execute/#attempts, other)';
  }
  return /^(write|writev|writeUtf8String|writeLatin1String|writeBuffer)$/.test(leaf.functionName) ? 'socket write syscall' : 'node:http + event loop (rest)';
};

const totals = new Map();
let all = 0;
p.samples.forEach((id, i) => {
  if (byId.get(id).callFrame.functionName === '(idle)') return;
  const t = p.timeDeltas[i] ?? 0;
  all += t;
  const g = groupOf(id);
  totals.set(g, (totals.get(g) ?? 0) + t);
});
console.log(`${dir}: ${(all / Number(calls)).toFixed(0)} µs per call as profiled (not idle)`);
for (const [g, t] of [...totals].sort((a, b) => b[1] - a[1])) console.log(`${(t / Number(calls)).toFixed(1).padStart(7)} ${((100 * t) / all).toFixed(1).padStart(5)}%  ${g}`);
