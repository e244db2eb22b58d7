// The endpoint methods are a mapped type over the operations (generated/types.ts): an editor's hover on
// `mp.code2Session` must still show the endpoint's docs (its summary and WeChat doc link, carried by the
// MPToolsOperations member), and its signature. TypeScript's LanguageService, as an editor asks it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const file = path.join(root, 'test/__hover__.ts');
const text = `import { MPTools, OATools } from '../src/index.js';
declare const mp: MPTools;
declare const oa: OATools;
export const a = mp.code2Session({ js_code: 'c' });
export const b = oa.getUserInfo({ openid: 'o' });
export const c = mp.getApiDomainIp();
`;

function quickInfo(word: string): { display: string; docs: string; tags: string } {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'], skipLibCheck: true };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (f === file ? ts.ScriptSnapshot.fromString(text) : ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (f) => f === file || ts.sys.fileExists(f),
    readFile: (f) => (f === file ? text : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const info = ts.createLanguageService(host).getQuickInfoAtPosition(file, text.indexOf(word) + 1);
  if (!info) throw new Error(`no quick info for ${word}`);
  const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`).join('\n');
  return { display: ts.displayPartsToString(info.displayParts), docs: ts.displayPartsToString(info.documentation), tags };
}

describe('hover docs of the generated methods', () => {
  it('mp.code2Session: summary, errcodes and doc link; params required, options optional', () => {
    const q = quickInfo('code2Session');
    expect(q.display).toContain('code2Session: (params: Code2SessionParams, options?: CallOptions');
    expect(q.display).toContain('=> Promise<WechatData<Code2SessionResponse>>');
    expect(q.docs).toContain('小程序登录');
    expect(q.docs).toContain('`GET /sns/jscode2session`');
    expect(q.docs).toContain('40029');
    expect(q.docs).toContain('WeChat docs: https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session.html');
  }, 60_000);

  it('oa.getUserInfo (OATools) and a method whose params are optional', () => {
    expect(quickInfo('getUserInfo').docs).toMatch(/WeChat docs: https:\/\/developers\.weixin\.qq\.com\/\S+/);
    const q = quickInfo('getApiDomainIp');
    expect(q.display).toMatch(/getApiDomainIp: \(params\?: GetApiDomainIpParams( \| undefined)?, options\?: CallOptions/);
    expect(q.docs).toContain('获取微信 API 服务器 IP');
  }, 60_000);
});
