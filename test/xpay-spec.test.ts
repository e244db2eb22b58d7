// The spec field request.signatures: misuse stops the generator with file + problem; a signed spec
// becomes a row with `signatures` and a required, never-sent session_key param for userSig.
import { describe, expect, it } from 'vitest';
import { oneSpecTree } from './helpers/one-spec.js';
import { endpointRow } from '../codegen/emit/table.js';

const REL = 'spec/miniprogram/virtual-payment/queryUserBalance.yaml';
const { good, load } = await oneSpecTree(REL);

describe('request.signatures', () => {
  it('a signed spec: row.signatures, and session_key a required local param', async () => {
    const { problems, input } = await load(good);
    expect(problems).toEqual([]);
    const ep = input?.endpoints.find((e) => e.operation === 'queryUserBalance');
    expect(ep?.signatures).toEqual(['paySig', 'userSig']);
    expect(ep?.params.find((p) => p.name === 'session_key')).toMatchObject({ in: 'local', required: true });
    const row = endpointRow(ep as NonNullable<typeof ep>);
    expect(row['signatures']).toEqual(['paySig', 'userSig']);
    expect(row['query']).toBeUndefined(); // session_key is not a query param, nor pay_sig/signature params
  });

  it.each([
    ['an unknown signature', good.replace('signatures: [paySig, userSig]', 'signatures: [paySig, appSig]'), '/request/signatures/1'],
    ['a GET', good.replace('method: POST', 'method: GET').replace(/^ {2}body:$/m, '  query:'), 'needs a JSON POST with auth access_token'],
    ['pay_sig declared as a param', good.replace('    user_ip:', "    pay_sig: { type: string }\n    user_ip:"), 'pay_sig is added by signatures'],
    ['session_key declared with userSig', good.replace('    user_ip:', "    session_key: { type: string }\n    user_ip:"), 'session_key is added by signatures'],
  ])('%s is refused', async (_name, text, expected) => {
    const { problems } = await load(text);
    const line = problems.find((p) => p.includes(expected));
    expect(line, problems.join('\n')).toBeDefined();
    expect(line).toContain(REL);
  });
});
