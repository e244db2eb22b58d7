// The spec field request.apiSecurity: a marked spec becomes a row with `apiSecurity`; misuse (an
// unknown value, a GET, a bytes reply, together with signatures) stops the generator with file + problem.
import { describe, expect, it } from 'vitest';
import { oneSpecTree } from './helpers/one-spec.js';
import { endpointRow } from '../codegen/emit/table.js';

const REL = 'spec/miniprogram/sec-center/getUserRiskRank.yaml';
const { good, load } = await oneSpecTree(REL);

describe('request.apiSecurity', () => {
  it('a marked spec: row.apiSecurity, the params unchanged', async () => {
    expect(good).toContain('apiSecurity: supported');
    const { problems, input } = await load(good);
    expect(problems).toEqual([]);
    const ep = input?.endpoints.find((e) => e.operation === 'getUserRiskRank');
    expect(ep?.apiSecurity).toBe('supported');
    const row = endpointRow(ep as NonNullable<typeof ep>);
    expect(row['apiSecurity']).toBe('supported');
    expect(ep?.params.map((p) => p.name)).not.toContain('_n');
    const required = await load(good.replace('apiSecurity: supported', 'apiSecurity: required'));
    expect(endpointRow(required.input?.endpoints[0] as NonNullable<typeof ep>)['apiSecurity']).toBe('required');
  });

  it('an unmarked spec has no apiSecurity in its row', async () => {
    const { input } = await load(good.replace('  apiSecurity: supported\n', ''));
    expect(endpointRow(input?.endpoints[0] as NonNullable<NonNullable<typeof input>['endpoints'][0]>)['apiSecurity']).toBeUndefined();
  });

  it.each([
    ['an unknown value', good.replace('apiSecurity: supported', 'apiSecurity: always'), '/request/apiSecurity'],
    ['a GET', good.replace('method: POST', 'method: GET').replace(/^ {2}body:$/m, '  query:'), 'needs a JSON POST with auth access_token and a JSON reply'],
    ['a bytes reply', good.replace('  kind: json', '  kind: binary'), 'needs a JSON POST with auth access_token and a JSON reply'],
    ['together with signatures', good.replace('  apiSecurity: supported\n', '  apiSecurity: supported\n  signatures: [paySig]\n'), 'excludes signatures'],
  ])('%s is refused', async (_name, text, expected) => {
    const { problems } = await load(text);
    const line = problems.find((p) => p.includes(expected));
    expect(line, problems.join('\n')).toBeDefined();
    expect(line).toContain(REL);
  });
});
